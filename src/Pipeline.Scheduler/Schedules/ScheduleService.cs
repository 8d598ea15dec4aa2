using Pipeline.Scheduler.Runs;

namespace Pipeline.Scheduler.Schedules;

/// <summary>Schedule management for the HTTP endpoints and start-up: validation, storage and trigger registration together.</summary>
public sealed class ScheduleService(IScheduleStore store, IScheduleTriggers triggers, TimeProvider timeProvider)
{
    /// <summary>Creates or replaces a schedule; returns the problems (nothing stored) or whether it was created.</summary>
    public async Task<(IReadOnlyList<string> Errors, bool Created)> UpsertAsync(AugmentationSchedule schedule, CancellationToken cancellationToken = default)
    {
        var errors = ScheduleValidator.Validate(schedule);
        if (errors.Count > 0)
        {
            return (errors, false);
        }

        var created = await store.UpsertAsync(schedule, cancellationToken).ConfigureAwait(false);
        triggers.Register(schedule);
        return ([], created);
    }

    /// <summary>Creates a schedule unless its id is taken; returns the problems, and whether it was created.</summary>
    public async Task<(IReadOnlyList<string> Errors, bool Created)> CreateAsync(AugmentationSchedule schedule, CancellationToken cancellationToken = default)
    {
        var errors = ScheduleValidator.Validate(schedule);
        if (errors.Count > 0)
        {
            return (errors, false);
        }

        var created = await store.InsertAsync(schedule, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            triggers.Register(schedule);
        }

        return ([], created);
    }

    /// <summary>Deletes a schedule and its trigger (its runs and datasets stay); true when it existed.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var deleted = await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        triggers.Unregister(id);
        return deleted;
    }

    /// <summary>Queues a run for the current period ("run now"); null when the schedule does not exist.</summary>
    public async Task<RunNowResult?> RunNowAsync(string id, CancellationToken cancellationToken = default)
    {
        var schedule = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (schedule is null)
        {
            return null;
        }

        var period = SchedulePeriods.PeriodStart(schedule, timeProvider.GetUtcNow());
        var existing = await store.GetRunAsync(id, period, cancellationToken).ConfigureAwait(false);
        var queuedJobId = existing is null ? triggers.EnqueueRun(id, period) : null;
        return new RunNowResult(id, period, AugmentationPlanner.BatchId(id, period), queuedJobId, existing?.Status);
    }
}

/// <summary>The answer to "run now".</summary>
/// <param name="ScheduleId">The schedule.</param>
/// <param name="PeriodStart">The period the run belongs to.</param>
/// <param name="BatchId">The batch the run submits (deterministic, so it can be watched at once).</param>
/// <param name="QueuedJobId">The Hangfire job that will run it, or null when the period already had a run.</param>
/// <param name="ExistingStatus">The existing run's status, or null.</param>
public sealed record RunNowResult(string ScheduleId, DateTimeOffset PeriodStart, string BatchId, string? QueuedJobId, string? ExistingStatus);
