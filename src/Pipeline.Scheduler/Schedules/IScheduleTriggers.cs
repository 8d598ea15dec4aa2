namespace Pipeline.Scheduler.Schedules;

/// <summary>What fires schedules: cron registration and queued one-off runs (Hangfire in the host).</summary>
public interface IScheduleTriggers
{
    /// <summary>Registers (or updates) the schedule's cron trigger; a disabled schedule is unregistered.</summary>
    void Register(AugmentationSchedule schedule);

    /// <summary>Removes the schedule's cron trigger, if any.</summary>
    void Unregister(string scheduleId);

    /// <summary>Makes the registered cron triggers exactly <paramref name="schedules"/> (removes those of deleted schedules).</summary>
    void SyncAll(IReadOnlyList<AugmentationSchedule> schedules);

    /// <summary>Queues a run of <paramref name="scheduleId"/> for <paramref name="periodStart"/>; returns the queued job's id.</summary>
    string EnqueueRun(string scheduleId, DateTimeOffset periodStart);
}
