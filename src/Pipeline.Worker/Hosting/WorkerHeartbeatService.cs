using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Fleet;

namespace Pipeline.Worker.Hosting;

/// <summary>
/// Writes this worker's row of the fleet view every <see cref="HeartbeatOptions.HeartbeatInterval"/> and deletes it on a
/// graceful stop. A failed beat (the database down) never reaches the jobs or stops the host: it is logged as a warning
/// once per outage (then at debug level) and the next beat tries again; a worker that cannot beat simply drops out of
/// the view after <c>Pipeline:Fleet:WorkerTimeout</c>, as a crashed one does. Registered before the bus, it starts
/// once the model is loaded and stops after the bus has drained the in-flight jobs, so a draining worker stays visible.
/// </summary>
public sealed partial class WorkerHeartbeatService(IFleetStore fleet, WorkerHeartbeatSource source, WorkerIdentity identity,
    IOptions<HeartbeatOptions> options, TimeProvider time, ILogger<WorkerHeartbeatService> logger) : BackgroundService
{
    private bool _failing;

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await fleet.RemoveWorkerAsync(identity.Id, cancellationToken).ConfigureAwait(false);
            LogLeft(logger, identity.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The row stays until readers stop counting it (the worker timeout) and prune it.
            LogNotRemoved(logger, identity.Id, e.Message);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogJoining(logger, identity.Id, options.Value.HeartbeatInterval.TotalSeconds);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await BeatAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(options.Value.HeartbeatInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync deletes the row.
        }
    }

    private async Task BeatAsync(CancellationToken stoppingToken)
    {
        try
        {
            await fleet.UpsertWorkerAsync(source.Read(), stoppingToken).ConfigureAwait(false);
            if (_failing)
            {
                _failing = false;
                LogRestored(logger, identity.Id);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            if (_failing)
            {
                LogStillFailing(logger, identity.Id, e.Message);
            }
            else
            {
                _failing = true;
                LogFailed(logger, identity.Id, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 70, Level = LogLevel.Information, Message = "Worker {WorkerId} reports to the fleet view every {IntervalSeconds} s")]
    private static partial void LogJoining(ILogger logger, string workerId, double intervalSeconds);

    [LoggerMessage(EventId = 71, Level = LogLevel.Warning,
        Message = "Worker {WorkerId}: heartbeat not written ({Reason}); jobs are not affected, the worker drops out of the fleet view until a beat succeeds (further failures at debug level)")]
    private static partial void LogFailed(ILogger logger, string workerId, string reason);

    [LoggerMessage(EventId = 72, Level = LogLevel.Debug, Message = "Worker {WorkerId}: heartbeat still not written: {Reason}")]
    private static partial void LogStillFailing(ILogger logger, string workerId, string reason);

    [LoggerMessage(EventId = 73, Level = LogLevel.Information, Message = "Worker {WorkerId}: heartbeats written again")]
    private static partial void LogRestored(ILogger logger, string workerId);

    [LoggerMessage(EventId = 74, Level = LogLevel.Information, Message = "Worker {WorkerId} left the fleet view")]
    private static partial void LogLeft(ILogger logger, string workerId);

    [LoggerMessage(EventId = 75, Level = LogLevel.Warning,
        Message = "Worker {WorkerId}: its fleet row was not deleted ({Reason}); it drops out of the view after the worker timeout")]
    private static partial void LogNotRemoved(ILogger logger, string workerId, string reason);
}
