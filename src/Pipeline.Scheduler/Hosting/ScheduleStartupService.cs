using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Scheduler.Schedules;

namespace Pipeline.Scheduler.Hosting;

/// <summary>
/// At start-up (after the storage migrations, which are registered first): stores the schedules from configuration
/// — an invalid one stops the host with its problems listed — then makes Hangfire's recurring jobs match the stored
/// schedules and registers the reconciler.
/// </summary>
internal sealed partial class ScheduleStartupService(
    IOptions<SchedulerOptions> options,
    IScheduleStore store,
    IScheduleTriggers triggers,
    IRecurringJobManager recurringJobs,
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

            await store.UpsertAsync(schedule, cancellationToken).ConfigureAwait(false);
        }

        var all = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        triggers.SyncAll(all);
        recurringJobs.AddOrUpdate<AugmentationJobs>("augment-reconcile", jobs => jobs.ReconcileAsync(CancellationToken.None), options.Value.ReconcileCron);
        LogStarted(options.Value.Schedules.Count, all.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler started: {FromConfiguration} schedules from configuration, {Total} registered")]
    private partial void LogStarted(int fromConfiguration, int total);
}
