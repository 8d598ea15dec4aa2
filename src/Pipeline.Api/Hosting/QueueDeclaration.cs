using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Pipeline.Messaging;

namespace Pipeline.Api.Hosting;

/// <summary>
/// Declares the work queues (<see cref="PipelineTopology"/>) until it succeeds, so jobs the API sends before any worker
/// has started wait in a queue with the right priority argument. Reports unhealthy until then.
/// </summary>
public sealed partial class QueueDeclaration(IOptions<RabbitMqOptions> rabbit, TimeProvider time, ILogger<QueueDeclaration> logger)
    : BackgroundService, IHealthCheck
{
    private volatile bool _declared;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_declared ? HealthCheckResult.Healthy("work queues declared")
            : new HealthCheckResult(context.Registration.FailureStatus, "work queues not declared yet"));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var factory = PipelineTopology.CreateConnectionFactory(rabbit.Value, "pipeline-api-topology");
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await factory.CreateConnectionAsync(stoppingToken).ConfigureAwait(false);
                await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
                await PipelineTopology.DeclareWorkQueuesAsync(channel, stoppingToken).ConfigureAwait(false);
                _declared = true;
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRetry(logger, delay.TotalSeconds, e.Message);
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(15).Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Work queues not declared; retrying in {Seconds} s: {Reason}")]
    private static partial void LogRetry(ILogger logger, double seconds, string reason);
}
