namespace Pipeline.Engine;

/// <summary>
/// Counts shared by the pack loops of one engine, in forward rows (a model-size job is 1, a canvas job one per window):
/// rows waiting for slots, rows in slots, and the host's backlog (jobs it reports waiting outside).
/// </summary>
internal sealed class EngineLoad
{
    private int _waiting;
    private int _occupied;
    private int _external;

    public int Waiting => Volatile.Read(ref _waiting);
    public int Occupied => Volatile.Read(ref _occupied);
    public int ExternalBacklog { get => Volatile.Read(ref _external); set => Volatile.Write(ref _external, Math.Max(0, value)); }

    public void Queued(int rows = 1) => Interlocked.Add(ref _waiting, rows);
    public void LeftQueue(int rows = 1) => Interlocked.Add(ref _waiting, -rows);
    public void Admitted(int rows = 1) => Interlocked.Add(ref _occupied, rows);
    public void LeftSlot(int rows = 1) => Interlocked.Add(ref _occupied, -rows);
}
