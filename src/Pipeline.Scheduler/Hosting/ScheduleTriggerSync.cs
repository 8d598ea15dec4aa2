using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Scheduler.Schedules;

namespace Pipeline.Scheduler.Hosting;

/// <summary>
/// Keeps the schedules API the owner of Hangfire's recurring jobs: every <see cref="SchedulerOptions.TriggerSyncInterval"/>
/// it puts back a schedule's job that someone removed or changed in the dashboard, removes jobs of schedules that no
/// longer exist, and restores the reconciler's own job (<see cref="IScheduleTriggers.SyncAll"/>). It is a hosted service
/// rather than a Hangfire job, so nothing in the dashboard can remove it. Waits run on the injected
/// <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class ScheduleTriggerSync(
    IScheduleStore store,
    IScheduleTriggers triggers,
    IOptions<SchedulerOptions> options,
    TimeProvider timeProvider,
    ILogger<ScheduleTriggerSync> logger) : BackgroundService
{
    /// <summary>One sync: the stored schedules against the registered triggers. Returns the triggers it changed.</summary>
    public async Task<IReadOnlyList<string>> SyncAsync(CancellationToken cancellationToken = default)
    {
        var corrected = triggers.SyncAll(await store.ListAsync(cancellationToken).ConfigureAwait(false));
        if (corrected.Count > 0)
        {
            LogCorrected(string.Join(", ", corrected));
        }

        return corrected;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TriggerSyncInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await SyncAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSyncFailed(e); // the database or Hangfire's storage is away: try again next tick
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recurring jobs changed outside the schedules API were put back as the schedules say: {Jobs}")]
    private partial void LogCorrected(string jobs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recurring-job sync failed; retrying at the next interval")]
    private partial void LogSyncFailed(Exception exception);
}
