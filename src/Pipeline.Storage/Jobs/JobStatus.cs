namespace Pipeline.Storage.Jobs;

/// <summary>A job's status. Stored as lowercase text (<c>queued</c>, …); the order is the direction of travel.</summary>
public enum JobStatus
{
    /// <summary>Recorded, not started.</summary>
    Queued,

    /// <summary>A worker has started it.</summary>
    Running,

    /// <summary>Result stored. Terminal.</summary>
    Succeeded,

    /// <summary>Failed for good. Terminal.</summary>
    Failed,

    /// <summary>Canceled before it ended. Terminal.</summary>
    Canceled,
}
