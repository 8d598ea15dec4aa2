using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Messaging;
using Pipeline.Worker.Telemetry;
using RabbitMQ.Client;

namespace Pipeline.Worker.Hosting;

/// <summary>
/// Reads the job queue's ready-message count (a passive declare over a connection of its own) and hands it to
/// <see cref="IJobEngine.ReportBacklog"/>, so standard and bulk jobs degrade toward their minimum steps while work piles
/// up; the same read's message and consumer counts are the worker's queue metrics (<see cref="QueueObservation"/>). A failed
/// read keeps the last figure; the next poll reconnects.
/// </summary>
public sealed partial class BacklogMonitor(IJobEngine engine, IOptions<RabbitMqOptions> rabbit, IOptions<WorkerOptions> options,
    QueueObservation observation, TimeProvider time, ILogger<BacklogMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var factory = PipelineTopology.CreateConnectionFactory(rabbit.Value, "pipeline-worker-backlog");
        IConnection? connection = null;
        IChannel? channel = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (channel is not { IsOpen: true })
                    {
                        await CloseAsync(connection, channel).ConfigureAwait(false);
                        connection = await factory.CreateConnectionAsync(stoppingToken).ConfigureAwait(false);
                        channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                    }

                    var queue = await channel.QueueDeclarePassiveAsync(PipelineEndpoints.JobQueue, stoppingToken).ConfigureAwait(false);
                    engine.ReportBacklog((int)Math.Min(queue.MessageCount, int.MaxValue));
                    observation.JobQueueRead(queue.MessageCount, queue.ConsumerCount);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Queue not declared yet, broker restarting: keep the last figure, try again next poll.
                    LogReadFailed(logger, e.Message);
                    await CloseAsync(connection, channel).ConfigureAwait(false);
                    (connection, channel) = (null, null);
                }

                await Task.Delay(options.Value.BacklogPollInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await CloseAsync(connection, channel).ConfigureAwait(false);
        }
    }

    private static async Task CloseAsync(IConnection? connection, IChannel? channel)
    {
        try
        {
            if (channel is not null)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }

            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A connection the broker already dropped may fail to close; it is gone either way.
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Debug, Message = "Job queue depth not read: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);
}
