namespace Pipeline.Engine;

/// <summary>Counts shared by the pack loops of one engine: jobs waiting for a slot, jobs in slots, and the host's backlog.</summary>
internal sealed class EngineLoad
{
    private int _waiting;
    private int _occupied;
    private int _external;

    public int Waiting => Volatile.Read(ref _waiting);
    public int Occupied => Volatile.Read(ref _occupied);
    public int ExternalBacklog { get => Volatile.Read(ref _external); set => Volatile.Write(ref _external, Math.Max(0, value)); }

    public void Queued() => Interlocked.Increment(ref _waiting);
    public void LeftQueue() => Interlocked.Decrement(ref _waiting);
    public void Admitted() => Interlocked.Increment(ref _occupied);
    public void LeftSlot() => Interlocked.Decrement(ref _occupied);
}
