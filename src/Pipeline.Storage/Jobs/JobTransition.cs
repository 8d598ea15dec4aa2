namespace Pipeline.Storage.Jobs;

/// <summary>The outcome of a status or progress change.</summary>
/// <param name="Applied">True when the change was written.</param>
/// <param name="Job">The record after the call (changed or not); null when no job has the id.</param>
public sealed record JobTransition(bool Applied, JobRecord? Job)
{
    /// <summary>True when no job has the id.</summary>
    public bool NotFound => Job is null;
}
