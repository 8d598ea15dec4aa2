using Hangfire;
using Microsoft.Extensions.Logging;
using Pipeline.Scheduler.Runs;

namespace Pipeline.Scheduler.Hosting;

/// <summary>
/// The methods Hangfire runs. They only plan and publish (or write files from stored results): GPU work stays in
/// workers. Hangfire retries a failed trigger; the database claim makes a retry that already submitted a no-op. A run
/// its source cannot make is recorded failed by the runner, and a trigger of a deleted schedule is logged: neither
/// succeeds on a retry, so neither throws.
/// </summary>
public sealed partial class AugmentationJobs(AugmentationRunner runner, RunReconciler reconciler, ILogger<AugmentationJobs> logger)
{
    /// <summary>A cron firing: the period is the latest occurrence at or before now.</summary>
    [AutomaticRetry(Attempts = 5)]
    public Task RunScheduledAsync(string scheduleId, CancellationToken cancellationToken) =>
        TriggerAsync(scheduleId, null, cancellationToken);

    /// <summary>"Run now": the period was fixed when it was asked for, so the answer could name the batch.</summary>
    [AutomaticRetry(Attempts = 5)]
    public Task RunForPeriodAsync(string scheduleId, DateTimeOffset periodStart, CancellationToken cancellationToken) =>
        TriggerAsync(scheduleId, periodStart, cancellationToken);

    /// <summary>Finishes runs whose events were missed.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public Task ReconcileAsync(CancellationToken cancellationToken) => reconciler.ReconcileAsync(cancellationToken);

    private async Task TriggerAsync(string scheduleId, DateTimeOffset? periodStart, CancellationToken cancellationToken)
    {
        try
        {
            await runner.TriggerAsync(scheduleId, periodStart, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            LogScheduleGone(scheduleId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId} was deleted before its trigger ran; nothing to run")]
    private partial void LogScheduleGone(string scheduleId);
}
