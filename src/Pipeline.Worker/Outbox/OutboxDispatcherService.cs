using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Outbox;
using Pipeline.Worker.Hosting;

namespace Pipeline.Worker.Outbox;

/// <summary>
/// The outbox sweep: every <see cref="WorkerOptions.OutboxPollInterval"/> this worker publishes the terminal events left
/// pending (<see cref="TerminalEventPublisher"/>, on the bus), whoever wrote them — a worker that died between its commit
/// and its publication, a publication that failed during a broker or database outage, a cancel the Api recorded. Every
/// worker sweeps; rows being published by one are skipped by the others (<see cref="IEventOutbox"/>). Once an hour it
/// deletes events sent longer than <see cref="WorkerOptions.OutboxRetention"/> ago.
/// </summary>
public sealed partial class OutboxDispatcherService(TerminalEventPublisher publisher, IEventOutbox outbox, IBus bus, IOptions<WorkerOptions> options,
    TimeProvider time, ILogger<OutboxDispatcherService> logger) : BackgroundService
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.OutboxPollInterval;
        var nextPrune = time.GetUtcNow();
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full sweep may leave more behind: go again at once.
                while ((await publisher.DispatchAsync(bus, null, stoppingToken).ConfigureAwait(false)).Sent.Count == TerminalEventPublisher.SweepLimit)
                {
                }

                if (time.GetUtcNow() >= nextPrune)
                {
                    await outbox.PruneSentAsync(time.GetUtcNow() - options.Value.OutboxRetention, stoppingToken).ConfigureAwait(false);
                    nextPrune = time.GetUtcNow() + PruneEvery;
                }

                if (failing)
                {
                    LogRecovered(logger);
                    failing = false;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The database is unreachable (or the broker refuses everything): once per outage as a warning, then quiet.
                if (!failing)
                {
                    LogSweepFailed(logger, e.Message);
                    failing = true;
                }
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 91, Level = LogLevel.Warning, Message = "Outbox sweep failed ({Reason}); pending events are published once it succeeds again")]
    private static partial void LogSweepFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 92, Level = LogLevel.Information, Message = "Outbox sweep works again")]
    private static partial void LogRecovered(ILogger logger);
}
