namespace Pipeline.Storage.Jobs;

/// <summary>A batch's recorded jobs by status, counted from the job rows when read (never drifting counters).</summary>
public sealed record BatchCounts(int Queued, int Running, int Succeeded, int Failed, int Canceled)
{
    /// <summary>Jobs recorded.</summary>
    public int Total => Queued + Running + Succeeded + Failed + Canceled;

    /// <summary>Jobs ended (succeeded, failed or canceled).</summary>
    public int Ended => Succeeded + Failed + Canceled;
}
