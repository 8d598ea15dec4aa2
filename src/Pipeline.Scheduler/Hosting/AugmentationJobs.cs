using Hangfire;
using Pipeline.Scheduler.Runs;

namespace Pipeline.Scheduler.Hosting;

/// <summary>
/// The methods Hangfire runs. They only plan and publish (or write files from stored results): GPU work stays in
/// workers. Hangfire retries a failed trigger; the database claim makes a retry that already submitted a no-op.
/// </summary>
public sealed class AugmentationJobs(AugmentationRunner runner, RunReconciler reconciler)
{
    /// <summary>A cron firing: the period is the latest occurrence at or before now.</summary>
    [AutomaticRetry(Attempts = 5)]
    public Task RunScheduledAsync(string scheduleId, CancellationToken cancellationToken) =>
        runner.TriggerAsync(scheduleId, null, cancellationToken);

    /// <summary>"Run now": the period was fixed when it was asked for, so the answer could name the batch.</summary>
    [AutomaticRetry(Attempts = 5)]
    public Task RunForPeriodAsync(string scheduleId, DateTimeOffset periodStart, CancellationToken cancellationToken) =>
        runner.TriggerAsync(scheduleId, periodStart, cancellationToken);

    /// <summary>Finishes runs whose events were missed.</summary>
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    public Task ReconcileAsync(CancellationToken cancellationToken) => reconciler.ReconcileAsync(cancellationToken);
}
