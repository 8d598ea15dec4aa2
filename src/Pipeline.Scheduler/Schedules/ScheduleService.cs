using Pipeline.Scheduler.Runs;

namespace Pipeline.Scheduler.Schedules;

/// <summary>
/// Schedule management for the HTTP endpoints: validation (fields, then whether the source can make a run), storage
/// and trigger registration together, and "run now".
/// </summary>
public sealed class ScheduleService(IScheduleStore store, IScheduleTriggers triggers, ScheduleSourceCheck sources, TimeProvider timeProvider)
{
    /// <summary>Creates or replaces a schedule; nothing is stored when it is invalid or its source cannot make a run.</summary>
    public async Task<ScheduleWrite> UpsertAsync(AugmentationSchedule schedule, CancellationToken cancellationToken = default)
    {
        if (await CheckAsync(schedule, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var created = await store.UpsertAsync(schedule, cancellationToken).ConfigureAwait(false);
        if (created is null)
        {
            // The id is another tenant's schedule: answered like an existing id, without saying whose.
            return ScheduleWrite.Of(ScheduleWriteOutcome.AlreadyExists);
        }

        triggers.Register(schedule);
        return ScheduleWrite.Of(created.Value ? ScheduleWriteOutcome.Created : ScheduleWriteOutcome.Replaced);
    }

    /// <summary>Creates a schedule unless its id is taken; nothing is stored when it is invalid or its source cannot make a run.</summary>
    public async Task<ScheduleWrite> CreateAsync(AugmentationSchedule schedule, CancellationToken cancellationToken = default)
    {
        if (await CheckAsync(schedule, cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        var created = await store.InsertAsync(schedule, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            triggers.Register(schedule);
        }

        return ScheduleWrite.Of(created ? ScheduleWriteOutcome.Created : ScheduleWriteOutcome.AlreadyExists);
    }

    /// <summary>Deletes a schedule and its trigger (its runs and datasets stay); true when it existed.</summary>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        var deleted = await store.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        triggers.Unregister(id);
        return deleted;
    }

    /// <summary>
    /// Records the current period's run as requested and queues it ("run now"), unless the period has a run (a failed
    /// one is requested again). The database decides which of parallel calls queues it, so exactly one gets a queued
    /// job id. Null when the schedule does not exist.
    /// </summary>
    public async Task<RunNowResult?> RunNowAsync(string id, CancellationToken cancellationToken = default)
    {
        var schedule = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (schedule is null)
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var period = SchedulePeriods.PeriodStart(schedule, now);
        var (created, run) = await store.TryRequestRunAsync(AugmentationRunner.Request(schedule, period, now), cancellationToken).ConfigureAwait(false);

        // Queued after the row exists: if queuing fails, the reconciler plans the requested run once its grace has passed.
        var queuedJobId = created ? triggers.EnqueueRun(id, period) : null;
        return new RunNowResult(id, period, run.BatchId, queuedJobId, created ? null : run.Status);
    }

    private async Task<ScheduleWrite?> CheckAsync(AugmentationSchedule schedule, CancellationToken cancellationToken)
    {
        var errors = ScheduleValidator.Validate(schedule);
        if (errors.Count > 0)
        {
            return new ScheduleWrite(ScheduleWriteOutcome.Invalid, errors);
        }

        var unusable = await sources.CheckAsync(schedule, cancellationToken).ConfigureAwait(false);
        return unusable.Count > 0 ? new ScheduleWrite(ScheduleWriteOutcome.UnusableSource, unusable) : null;
    }
}
