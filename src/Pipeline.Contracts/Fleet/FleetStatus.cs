namespace Pipeline.Contracts.Fleet;

/// <summary>
/// The body of <c>GET /v1/workers</c> (admin keys only): the live workers, the queue and the throughput of the last
/// minute, read from the job store's database. The API writes it and the .NET client reads it.
/// </summary>
public sealed record FleetStatus
{
    /// <summary>Workers whose last heartbeat is within <see cref="WorkerTimeoutSeconds"/>, ordered by id.</summary>
    public required IReadOnlyList<FleetWorker> Workers { get; init; }

    /// <summary>Jobs recorded but not yet started by any worker.</summary>
    public required FleetBacklog Queue { get; init; }

    /// <summary>Jobs that ended within the last <see cref="FleetThroughput.WindowSeconds"/>.</summary>
    public required FleetThroughput Throughput { get; init; }

    /// <summary>A worker silent for longer than this has dropped out of <see cref="Workers"/> (<c>Pipeline:Fleet:WorkerTimeout</c>).</summary>
    public required double WorkerTimeoutSeconds { get; init; }

    /// <summary>The API's clock when it answered: the "now" of every age here.</summary>
    public required DateTimeOffset GeneratedAt { get; init; }
}
