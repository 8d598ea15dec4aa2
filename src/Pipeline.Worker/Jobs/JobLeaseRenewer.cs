using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// Renews every lease this worker holds, in one statement, every <see cref="JobLeases.RenewInterval"/> (a third of the
/// lease), and stops the jobs whose lease is gone (<see cref="JobLeases.RenewAsync"/>). A failed renewal is logged and
/// tried again next interval: two may fail before a lease expires. Registered before the bus, so it stops after the
/// consumers: the leases of jobs finishing during a graceful stop stay renewed.
/// </summary>
public sealed partial class JobLeaseRenewer(JobLeases leases, TimeProvider time, ILogger<JobLeaseRenewer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(leases.RenewInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await leases.RenewAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRenewFailed(logger, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 83, Level = LogLevel.Warning, Message = "Job leases not renewed ({Reason}); trying again next interval")]
    private static partial void LogRenewFailed(ILogger logger, string reason);
}
