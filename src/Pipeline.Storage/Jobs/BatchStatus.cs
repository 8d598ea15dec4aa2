namespace Pipeline.Storage.Jobs;

/// <summary>A batch's status, stored as <c>open</c> / <c>completed</c>.</summary>
public enum BatchStatus
{
    /// <summary>Some jobs are not recorded or not ended yet.</summary>
    Open,

    /// <summary>All expected jobs ended; completion was announced once.</summary>
    Completed,
}
