namespace Pipeline.Storage.Fleet;

/// <summary>A job waiting for a worker (status <c>queued</c>): the oldest one is what the fleet view shows.</summary>
public sealed record QueuedJob(string JobId, string Priority, DateTimeOffset SubmittedAt);
