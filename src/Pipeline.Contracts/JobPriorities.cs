namespace Pipeline.Contracts;

/// <summary>
/// The values of <see cref="SubmitJob.Priority"/>, the one place that turns them into <see cref="PriorityClass"/> and
/// back, and their RabbitMQ message priorities. The class sets the
/// AMQP <c>priority</c> property (the job queue is a classic queue declared with <c>x-max-priority</c> =
/// <see cref="MaxAmqpPriority"/>), the admission order into free engine slots and the step budget.
/// </summary>
public static class JobPriorities
{
    /// <summary>A person is waiting: admitted first, AMQP priority 9, never degraded under backlog.</summary>
    public const string Interactive = "interactive";

    /// <summary>The default: AMQP priority 5.</summary>
    public const string Standard = "standard";

    /// <summary>Batch work: AMQP priority 1, degraded first toward its minimum steps under backlog.</summary>
    public const string Bulk = "bulk";

    /// <summary>The queue's <c>x-max-priority</c> argument. Priorities above it are treated as it by RabbitMQ.</summary>
    public const byte MaxAmqpPriority = 10;

    /// <summary>All classes, highest first.</summary>
    public static IReadOnlyList<string> All { get; } = [Interactive, Standard, Bulk];

    /// <summary>True when <paramref name="value"/> is one of the classes above (ordinal, case-sensitive).</summary>
    public static bool IsKnown(string? value) => Parse(value) is not null;

    /// <summary>The class <paramref name="value"/> names (ordinal, case-sensitive), or null when it names none.</summary>
    public static PriorityClass? Parse(string? value) => value switch
    {
        Interactive => PriorityClass.Interactive,
        Standard => PriorityClass.Standard,
        Bulk => PriorityClass.Bulk,
        _ => null,
    };

    /// <summary>The name of <paramref name="priority"/>; a value outside the enum gives its number, which no rule accepts.</summary>
    public static string Name(PriorityClass priority) => priority switch
    {
        PriorityClass.Interactive => Interactive,
        PriorityClass.Standard => Standard,
        PriorityClass.Bulk => Bulk,
        _ => ((int)priority).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// The AMQP <c>priority</c> property for a class: interactive = 9, standard = 5, bulk = 1; an unknown or
    /// missing class maps to standard's 5 (the worker then rejects the job itself, with a reason).
    /// </summary>
    public static byte ToAmqpPriority(string? priority) => priority switch
    {
        Interactive => 9,
        Bulk => 1,
        _ => 5,
    };
}
