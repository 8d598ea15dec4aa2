using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Pipeline.Messaging;

/// <summary>
/// Healthy while a connection of its own to the broker is open. MassTransit's bus check alone is not enough for
/// readiness: it judges the bus by its receive endpoints, and a host that only sends (the Api) has none, so it stays
/// "Ready" through a broker outage. One long-lived connection (no connection churn on the broker per probe), with a short
/// heartbeat so a silent network loss shows within seconds too; when it is closed, each check tries to open a new one.
/// Registered as <see cref="Name"/> (tag <c>ready</c>) by <see cref="BusConfiguration.AddPipelineBus"/>.
/// </summary>
internal sealed class BrokerHealthCheck(IOptions<RabbitMqOptions> options) : IHealthCheck, IAsyncDisposable, IDisposable
{
    /// <summary>The check's name in <c>/healthz</c>.</summary>
    public const string Name = "rabbitmq";

    /// <summary>How long a check waits for a new connection; readiness probes time out after a few seconds.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var broker = options.Value;
        var where = $"{broker.Host}:{broker.Port}, virtual host {broker.VirtualHost}";
        if (_connection is { IsOpen: true })
        {
            return HealthCheckResult.Healthy($"connected to {where}");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is not { IsOpen: true })
            {
                await CloseAsync().ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ConnectTimeout);
                var factory = PipelineTopology.CreateConnectionFactory(broker, "pipeline-health");
                factory.RequestedHeartbeat = TimeSpan.FromSeconds(5);
                factory.RequestedConnectionTimeout = ConnectTimeout;
                _connection = await factory.CreateConnectionAsync(timeout.Token).ConfigureAwait(false);
            }

            return HealthCheckResult.Healthy($"connected to {where}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"RabbitMQ at {where} does not answer", e);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task CloseAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
