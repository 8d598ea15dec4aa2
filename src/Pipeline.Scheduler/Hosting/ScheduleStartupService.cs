using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Scheduler.Schedules;

namespace Pipeline.Scheduler.Hosting;

/// <summary>
/// At start-up (after the storage migrations, which are registered first): stores the schedules from configuration
/// — an invalid one stops the host with its problems listed; one whose source cannot make a run yet is stored with a
/// warning (its folder may be mounted later) — then makes Hangfire's recurring jobs match the stored schedules, the
/// reconciler's included. <see cref="ScheduleTriggerSync"/> keeps them so afterwards.
/// </summary>
internal sealed partial class ScheduleStartupService(
    IOptions<SchedulerOptions> options,
    IScheduleStore store,
    IScheduleTriggers triggers,
    ScheduleSourceCheck sources,
    ILogger<ScheduleStartupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var schedule in options.Value.Schedules)
        {
            var errors = ScheduleValidator.Validate(schedule);
            if (errors.Count > 0)
            {
                throw new OptionsValidationException(SchedulerOptions.SectionName, typeof(SchedulerOptions),
                    errors.Select(e => $"Schedules[{schedule.Id}]: {e}"));
            }

            var unusable = await sources.CheckAsync(schedule, cancellationToken).ConfigureAwait(false);
            if (unusable.Count > 0)
            {
                LogUnusableSource(schedule.Id, string.Join("; ", unusable));
            }

            await store.UpsertAsync(schedule, cancellationToken).ConfigureAwait(false);
        }

        var all = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        triggers.SyncAll(all);
        LogStarted(options.Value.Schedules.Count, all.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler started: {FromConfiguration} schedules from configuration, {Total} registered")]
    private partial void LogStarted(int fromConfiguration, int total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId} from configuration: its source cannot make a run yet (its runs will fail until it can): {Problems}")]
    private partial void LogUnusableSource(string scheduleId, string problems);
}
