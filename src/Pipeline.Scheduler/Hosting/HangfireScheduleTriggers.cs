using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using Pipeline.Scheduler.Schedules;

namespace Pipeline.Scheduler.Hosting;

/// <summary>
/// Schedules as Hangfire recurring jobs named <c>augment:&lt;schedule id&gt;</c>, the reconciler as
/// <see cref="ReconcileJobId"/>, "run now" as an enqueued job. The schedules API owns these recurring jobs: a sync puts
/// back any that someone removed or changed in the dashboard and removes those of deleted schedules.
/// </summary>
internal sealed class HangfireScheduleTriggers(
    IRecurringJobManager recurringJobs,
    IBackgroundJobClient backgroundJobs,
    JobStorage storage,
    IOptions<SchedulerOptions> options) : IScheduleTriggers
{
    /// <summary>The reconciler's recurring job (<see cref="AugmentationJobs.ReconcileAsync"/>).</summary>
    public const string ReconcileJobId = "augment-reconcile";

    private const string Prefix = "augment:";

    public void Register(AugmentationSchedule schedule)
    {
        if (!schedule.Enabled)
        {
            Unregister(schedule.Id);
            return;
        }

        ScheduleValidator.TryFindTimeZone(schedule.TimeZone, out var zone);
        var id = schedule.Id;
        recurringJobs.AddOrUpdate<AugmentationJobs>(Prefix + id, jobs => jobs.RunScheduledAsync(id, CancellationToken.None), schedule.Cron,
            new RecurringJobOptions { TimeZone = zone });
    }

    public void Unregister(string scheduleId) => recurringJobs.RemoveIfExists(Prefix + scheduleId);

    public IReadOnlyList<string> SyncAll(IReadOnlyList<AugmentationSchedule> schedules)
    {
        Dictionary<string, RecurringJobDto> registered;
        using (var connection = storage.GetConnection())
        {
            registered = connection.GetRecurringJobs().ToDictionary(job => job.Id, StringComparer.Ordinal);
        }

        var corrected = new List<string>();
        var wanted = schedules.Where(s => s.Enabled).ToDictionary(s => Prefix + s.Id, StringComparer.Ordinal);
        foreach (var id in registered.Keys.Where(id => id.StartsWith(Prefix, StringComparison.Ordinal) && !wanted.ContainsKey(id)))
        {
            recurringJobs.RemoveIfExists(id);
            corrected.Add(id);
        }

        foreach (var (id, schedule) in wanted)
        {
            ScheduleValidator.TryFindTimeZone(schedule.TimeZone, out var zone);
            if (!Matches(registered.GetValueOrDefault(id), schedule.Cron, zone))
            {
                Register(schedule);
                corrected.Add(id);
            }
        }

        var reconcileCron = options.Value.ReconcileCron;
        if (!Matches(registered.GetValueOrDefault(ReconcileJobId), reconcileCron, TimeZoneInfo.Utc))
        {
            recurringJobs.AddOrUpdate<AugmentationJobs>(ReconcileJobId, jobs => jobs.ReconcileAsync(CancellationToken.None), reconcileCron);
            corrected.Add(ReconcileJobId);
        }

        return corrected;
    }

    public string EnqueueRun(string scheduleId, DateTimeOffset periodStart) =>
        backgroundJobs.Enqueue<AugmentationJobs>(jobs => jobs.RunForPeriodAsync(scheduleId, periodStart, CancellationToken.None));

    // Registered with this cron and zone (a job the dashboard deleted is gone; one whose stored definition no longer loads is replaced).
    private static bool Matches(RecurringJobDto? job, string cron, TimeZoneInfo zone) =>
        job is { Removed: false, LoadException: null } && job.Cron == cron && job.TimeZoneId == zone.Id;
}
