namespace Pipeline.Scheduler.Schedules;

/// <summary>
/// The period a trigger belongs to: the latest cron occurrence at or before the trigger time. A late or retried
/// Hangfire job, or "run now" between two occurrences, lands in the same period as the cron firing it follows,
/// so the period start is a sound idempotency key. Cronos computes only next occurrences, so this searches
/// back in growing windows (an hour, a day, 32 days, 366 days, 5 years) and takes the last occurrence found.
/// </summary>
public static class SchedulePeriods
{
    private static readonly TimeSpan[] Windows =
        [TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(32), TimeSpan.FromDays(366), TimeSpan.FromDays(5 * 366)];

    /// <summary>The start of the period holding <paramref name="now"/>, in UTC; throws when the cron has no occurrence in the last 5 years.</summary>
    public static DateTimeOffset PeriodStart(AugmentationSchedule schedule, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!ScheduleValidator.TryParseCron(schedule.Cron, out var cron) || !ScheduleValidator.TryFindTimeZone(schedule.TimeZone, out var zone))
        {
            throw new ArgumentException($"schedule {schedule.Id} has an invalid cron or time zone", nameof(schedule));
        }

        // Whole seconds: a period start is stored and compared in the database and formatted into ids.
        var end = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()).ToUniversalTime();
        foreach (var window in Windows)
        {
            var last = cron.GetOccurrences(end - window, end, zone, fromInclusive: true, toInclusive: true).LastOrDefault();
            if (last != default)
            {
                return last.ToUniversalTime();
            }
        }

        throw new InvalidOperationException($"schedule {schedule.Id}: cron '{schedule.Cron}' has no occurrence in the last five years");
    }
}
