namespace Pipeline.Worker.Jobs;

/// <summary>
/// Jobs this process recorded as succeeded or failed since it started (what the fleet view shows per worker). Counted
/// where the outcome is written (<see cref="JobOutcomes"/>), once per job whose record this process moved to its end.
/// </summary>
public sealed class JobsDone
{
    private long _count;

    /// <summary>The count so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Counts one more job.</summary>
    public void Add() => Interlocked.Increment(ref _count);
}
