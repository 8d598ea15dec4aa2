namespace Pipeline.Scheduler.Schedules;

/// <summary>What fires schedules: cron registration and queued one-off runs (Hangfire in the host).</summary>
public interface IScheduleTriggers
{
    /// <summary>Registers (or updates) the schedule's cron trigger; a disabled schedule is unregistered.</summary>
    void Register(AugmentationSchedule schedule);

    /// <summary>Removes the schedule's cron trigger, if any.</summary>
    void Unregister(string scheduleId);

    /// <summary>
    /// Makes the registered cron triggers exactly those of the enabled <paramref name="schedules"/> (and the reconciler's):
    /// puts back one removed or changed behind the schedules API's back, removes those of deleted or disabled schedules.
    /// Returns the trigger ids it had to change (empty when everything was as it should be).
    /// </summary>
    IReadOnlyList<string> SyncAll(IReadOnlyList<AugmentationSchedule> schedules);

    /// <summary>Queues a run of <paramref name="scheduleId"/> for <paramref name="periodStart"/>; returns the queued job's id.</summary>
    string EnqueueRun(string scheduleId, DateTimeOffset periodStart);
}
