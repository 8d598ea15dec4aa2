using System.ComponentModel.DataAnnotations;

namespace Pipeline.Storage.Fleet;

/// <summary>How readers of the fleet view treat worker heartbeats. Bound from <see cref="SectionName"/>.</summary>
public sealed class FleetOptions : IValidatableObject
{
    /// <summary>The configuration section: <c>Pipeline:Fleet</c>.</summary>
    public const string SectionName = "Pipeline:Fleet";

    /// <summary>
    /// A worker not heard from for this long has crashed or lost the database as far as anyone can tell: it drops out of
    /// every view. Default 30 s (six beats at the workers' default 5 s interval); 1 s to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan WorkerTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A worker row not updated for this long is deleted by the next reader, so crashed workers do not pile up. Default
    /// 1 hour; 1 minute to 30 days, and longer than <see cref="WorkerTimeout"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan PruneAfter { get; set; } = TimeSpan.FromHours(1);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PruneAfter <= WorkerTimeout)
        {
            yield return new ValidationResult(
                $"PruneAfter ({PruneAfter}) must be longer than WorkerTimeout ({WorkerTimeout}): a row is pruned only after it dropped out of the view",
                [nameof(PruneAfter)]);
        }
    }
}
