namespace Pipeline.Storage.Jobs;

/// <summary>Conversions between <see cref="JobStatus"/> and its stored text.</summary>
public static class JobStatuses
{
    /// <summary>True for succeeded, failed and canceled.</summary>
    public static bool IsTerminal(this JobStatus status) => status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled;

    /// <summary>The stored text: <c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c>, <c>canceled</c>.</summary>
    public static string ToText(this JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Running => "running",
        JobStatus.Succeeded => "succeeded",
        JobStatus.Failed => "failed",
        JobStatus.Canceled => "canceled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown status"),
    };

    /// <summary>Parses the stored text.</summary>
    public static JobStatus Parse(string text) => text switch
    {
        "queued" => JobStatus.Queued,
        "running" => JobStatus.Running,
        "succeeded" => JobStatus.Succeeded,
        "failed" => JobStatus.Failed,
        "canceled" => JobStatus.Canceled,
        _ => throw new FormatException($"unknown job status '{text}'"),
    };
}
