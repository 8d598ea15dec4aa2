namespace Pipeline.Scheduler.Datasets;

/// <summary>A dataset's <c>dataset.json</c>: the run it came from and what is (not) in it.</summary>
public sealed record DatasetSummary
{
    /// <summary>The schedule.</summary>
    public required string ScheduleId { get; init; }

    /// <summary>The period start (UTC).</summary>
    public required DateTimeOffset PeriodStart { get; init; }

    /// <summary>The batch.</summary>
    public required string BatchId { get; init; }

    /// <summary>Jobs planned.</summary>
    public required int Jobs { get; init; }

    /// <summary>Images in the dataset (lines of <c>manifest.jsonl</c>).</summary>
    public required int Images { get; init; }

    /// <summary>Jobs without a result (failed or canceled), by id.</summary>
    public required IReadOnlyList<string> MissingJobIds { get; init; }

    /// <summary>When the dataset was written.</summary>
    public required DateTimeOffset WrittenAt { get; init; }
}
