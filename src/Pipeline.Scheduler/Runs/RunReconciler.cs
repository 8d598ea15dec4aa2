using Pipeline.Scheduler.Datasets;
using Pipeline.Scheduler.Schedules;
using Pipeline.Storage.Jobs;

namespace Pipeline.Scheduler.Runs;

/// <summary>
/// The polling half of completion, for what events miss: plans runs left <c>requested</c> (a "run now" whose queued job
/// was lost), resends runs left <c>claimed</c> by a crash, and writes the dataset of submitted runs whose batch the job
/// store reports completed (a <c>BatchCompleted</c> lost while the scheduler was down, or dead-lettered). Runs from a
/// Hangfire recurring job.
/// </summary>
public sealed class RunReconciler(IScheduleStore store, IJobStore jobs, AugmentationRunner runner, DatasetWriter writer)
{
    /// <summary>Checks up to 200 open runs; returns how many it moved on.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        var moved = 0;
        foreach (var run in await store.ListOpenRunsAsync(200, cancellationToken).ConfigureAwait(false))
        {
            if (run.Status == RunStatuses.Requested)
            {
                if (runner.IsAbandoned(run))
                {
                    await TriggerAbandonedAsync(run, cancellationToken).ConfigureAwait(false);
                    moved++;
                }

                continue;
            }

            if (run.Status == RunStatuses.Claimed)
            {
                if (runner.IsAbandoned(run))
                {
                    await runner.SubmitAsync(run, cancellationToken).ConfigureAwait(false);
                    moved++;
                }

                continue;
            }

            var batch = await jobs.GetBatchAsync(run.BatchId, cancellationToken).ConfigureAwait(false);
            if (batch?.Status == BatchStatus.Completed && await writer.CompleteAsync(run.BatchId, cancellationToken).ConfigureAwait(false))
            {
                moved++;
            }
        }

        return moved;
    }

    private async Task TriggerAbandonedAsync(AugmentationRun run, CancellationToken cancellationToken)
    {
        try
        {
            await runner.TriggerAsync(run.ScheduleId, run.PeriodStart, cancellationToken).ConfigureAwait(false);
        }
        catch (KeyNotFoundException)
        {
            // The schedule was deleted meanwhile; the trigger marked the run failed saying so.
        }
    }
}
