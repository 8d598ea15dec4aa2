namespace Pipeline.Storage.Fleet;

/// <summary>A worker's last heartbeat and when the store received it (the writer's clock).</summary>
public sealed record WorkerRecord(WorkerHeartbeat Worker, DateTimeOffset LastSeenAt);
