namespace Pipeline.Storage.Fleet;

/// <summary>Jobs recorded <c>queued</c> (not yet started by any worker), counted by priority class, and the oldest of them.</summary>
/// <param name="ByPriority">Queued jobs per stored priority; a class with none is absent.</param>
/// <param name="Oldest">The queued job submitted first (ties: lowest id), or null when nothing waits.</param>
public sealed record QueueDepth(IReadOnlyDictionary<string, int> ByPriority, QueuedJob? Oldest)
{
    /// <summary>All queued jobs.</summary>
    public int Total => ByPriority.Values.Sum();
}
