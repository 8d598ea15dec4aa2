namespace Pipeline.Contracts.Telemetry;

/// <summary>
/// Label (tag) names of the <see cref="PipelineMetricNames"/> instruments, and the values they take where those are
/// fixed. Every label has few values: a job id or a free-text reason never becomes a label.
/// </summary>
public static class PipelineMetricTags
{
    /// <summary>Model pack name; <see cref="DefaultPack"/> for a submitted job that names none.</summary>
    public const string Pack = "pack";

    /// <summary><c>generation</c>, <c>variation</c>, <c>inpainting</c> (<see cref="JobKinds"/>).</summary>
    public const string Kind = "kind";

    /// <summary><c>interactive</c>, <c>standard</c>, <c>bulk</c> (<see cref="JobPriorities"/>).</summary>
    public const string Priority = "priority";

    /// <summary>The denoiser graph: <c>fp32</c> or <c>int8</c>.</summary>
    public const string Precision = "precision";

    /// <summary>The execution provider: <c>cpu</c> or <c>cuda</c>.</summary>
    public const string Provider = "provider";

    /// <summary>How something ended: see <see cref="Completed"/>, <see cref="Delivered"/> and the others.</summary>
    public const string Outcome = "outcome";

    /// <summary>A store operation, e.g. <c>jobs.insert</c> or <c>results.write</c>.</summary>
    public const string Operation = "operation";

    /// <summary>A RabbitMQ queue name.</summary>
    public const string Queue = "queue";

    /// <summary>A worker's service instance id (the OpenTelemetry resource's <c>service.instance.id</c>).</summary>
    public const string WorkerId = "worker_id";

    /// <summary>The machine (or container) name.</summary>
    public const string Host = "host";

    /// <summary>The host's assembly version.</summary>
    public const string Version = "version";

    /// <summary>The value of a label whose input was not one of the known values (a bad kind, an unknown pack).</summary>
    public const string Unknown = "unknown";

    /// <summary>The <see cref="Pack"/> of a submitted job that names no pack (the worker runs its default pack).</summary>
    public const string DefaultPack = "default";

    /// <summary>The <see cref="Pack"/> once <see cref="BoundedLabelValues"/> has seen as many names as it keeps.</summary>
    public const string Other = "other";

    /// <summary>Job outcome: the result was stored.</summary>
    public const string Completed = "completed";

    /// <summary>Job outcome: it failed (bad input, or retries exhausted).</summary>
    public const string Failed = "failed";

    /// <summary>Job outcome: it was canceled.</summary>
    public const string Canceled = "canceled";

    /// <summary>Webhook outcome: the receiver answered 2xx.</summary>
    public const string Delivered = "delivered";

    /// <summary>Webhook outcome: an attempt failed and another follows.</summary>
    public const string Retried = "retried";

    /// <summary>Job label values of a <see cref="SubmitJob"/>-like request: kind and priority as named, or <see cref="Unknown"/>.</summary>
    public static string KindOf(string? kind) => JobKinds.Parse(kind) is { } known ? JobKinds.Name(known) : Unknown;

    /// <inheritdoc cref="KindOf"/>
    public static string PriorityOf(string? priority) => JobPriorities.Parse(priority) is { } known ? JobPriorities.Name(known) : Unknown;
}
