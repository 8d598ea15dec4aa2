namespace Pipeline.Webhooks;

/// <summary>The event types a callback can receive, one per terminal contract event.</summary>
public static class WebhookEventTypes
{
    /// <summary>A job succeeded (<c>JobCompleted</c>).</summary>
    public const string JobCompleted = "job.completed";

    /// <summary>A job failed for good (<c>JobFailed</c>).</summary>
    public const string JobFailed = "job.failed";

    /// <summary>A job was canceled (<c>JobCanceled</c>).</summary>
    public const string JobCanceled = "job.canceled";

    /// <summary>Every job of a batch ended (<c>BatchCompleted</c>).</summary>
    public const string BatchCompleted = "batch.completed";

    /// <summary>All types, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [JobCompleted, JobFailed, JobCanceled, BatchCompleted];
}
