using Hangfire;
using Hangfire.Storage;
using Pipeline.Scheduler.Schedules;

namespace Pipeline.Scheduler.Hosting;

/// <summary>Schedules as Hangfire recurring jobs named <c>augment:&lt;schedule id&gt;</c>; "run now" as an enqueued job.</summary>
internal sealed class HangfireScheduleTriggers(IRecurringJobManager recurringJobs, IBackgroundJobClient backgroundJobs, JobStorage storage) : IScheduleTriggers
{
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

    public void SyncAll(IReadOnlyList<AugmentationSchedule> schedules)
    {
        var wanted = schedules.Where(s => s.Enabled).Select(s => Prefix + s.Id).ToHashSet(StringComparer.Ordinal);
        using (var connection = storage.GetConnection())
        {
            foreach (var job in connection.GetRecurringJobs())
            {
                if (job.Id.StartsWith(Prefix, StringComparison.Ordinal) && !wanted.Contains(job.Id))
                {
                    recurringJobs.RemoveIfExists(job.Id);
                }
            }
        }

        foreach (var schedule in schedules)
        {
            Register(schedule);
        }
    }

    public string EnqueueRun(string scheduleId, DateTimeOffset periodStart) =>
        backgroundJobs.Enqueue<AugmentationJobs>(jobs => jobs.RunForPeriodAsync(scheduleId, periodStart, CancellationToken.None));
}
