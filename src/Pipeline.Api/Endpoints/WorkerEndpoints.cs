using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Contracts.Fleet;
using Pipeline.ServiceDefaults.Authentication;
using Pipeline.Storage.Fleet;

namespace Pipeline.Api.Endpoints;

/// <summary>The fleet view for operators: live workers, the queue, throughput. Admin keys only.</summary>
internal static class WorkerEndpoints
{
    /// <summary>The throughput window of the view.</summary>
    public static readonly TimeSpan ThroughputWindow = TimeSpan.FromMinutes(1);

    public static RouteGroupBuilder MapWorkerEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/workers", GetAsync)
            .RequireAuthorization(ApiKeyAuthentication.AdminPolicy)
            .WithName("GetFleetStatus")
            .WithSummary("The fleet: live workers (provider and device, precision, packs, slots busy of total, jobs done, version, "
                + "up since, last seen), queued jobs by priority with the oldest, and jobs ended in the last minute with images/s.")
            .WithDescription("Needs an admin key (Pipeline:Api:AdminKeys): 401 without a key, 403 with a key that is not an admin key. "
                + "A worker that has not sent a heartbeat within Pipeline:Fleet:WorkerTimeout is left out.")
            .Produces<FleetStatus>()
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    private static async Task<IResult> GetAsync(IFleetStore fleet, IOptions<FleetOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var settings = options.Value;

        // Readers prune: no worker process is left to delete the row of one that crashed.
        await fleet.PruneWorkersAsync(settings.PruneAfter, cancellationToken).ConfigureAwait(false);
        var workers = await fleet.ListLiveWorkersAsync(settings.WorkerTimeout, cancellationToken).ConfigureAwait(false);
        var queue = await fleet.GetQueueDepthAsync(cancellationToken).ConfigureAwait(false);
        var throughput = await fleet.GetThroughputAsync(ThroughputWindow, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new FleetStatus
        {
            Workers = [.. workers.Select(View)],
            Queue = View(queue, now),
            Throughput = new FleetThroughput
            {
                WindowSeconds = throughput.Window.TotalSeconds,
                Succeeded = throughput.Succeeded,
                Failed = throughput.Failed,
                Canceled = throughput.Canceled,
                ImagesPerSecond = Math.Round(throughput.ImagesPerSecond, 3),
            },
            WorkerTimeoutSeconds = settings.WorkerTimeout.TotalSeconds,
            GeneratedAt = now,
        });
    }

    private static FleetWorker View(WorkerRecord record) => new()
    {
        WorkerId = record.Worker.WorkerId,
        Host = record.Worker.Host,
        ExecutionProvider = record.Worker.ExecutionProvider,
        CudaDeviceId = record.Worker.CudaDeviceId,
        DenoiserPrecision = record.Worker.DenoiserPrecision,
        Packs = [.. record.Worker.Packs.Select(p => new FleetPack(p.Name, p.Version))],
        SlotsTotal = record.Worker.SlotsTotal,
        SlotsBusy = record.Worker.SlotsBusy,
        JobsDone = record.Worker.JobsDone,
        Version = record.Worker.Version,
        StartedAt = record.Worker.StartedAt,
        LastSeenAt = record.LastSeenAt,
    };

    private static FleetBacklog View(QueueDepth queue, DateTimeOffset now)
    {
        // Every known class, highest first and 0 when empty, so a reader need not know which ones exist.
        var byPriority = JobPriorities.All.ToDictionary(p => p, p => queue.ByPriority.GetValueOrDefault(p), StringComparer.Ordinal);
        foreach (var (priority, count) in queue.ByPriority.Where(p => !byPriority.ContainsKey(p.Key)))
        {
            byPriority[priority] = count;
        }

        return new FleetBacklog
        {
            ByPriority = byPriority,
            Total = queue.Total,
            Oldest = queue.Oldest is { } oldest
                ? new WaitingJob
                {
                    JobId = oldest.JobId,
                    Priority = oldest.Priority,
                    SubmittedAt = oldest.SubmittedAt,
                    WaitingSeconds = Math.Max(0, (now - oldest.SubmittedAt).TotalSeconds),
                }
                : null,
        };
    }
}
