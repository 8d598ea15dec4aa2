using Pipeline.Contracts;
using RabbitMQ.Client;

namespace Pipeline.Messaging;

/// <summary>
/// The work queues as the workers' MassTransit endpoints declare them: durable classic queues, each bound to a fanout
/// exchange of its name, the job queue with <c>x-max-priority</c>. Declaring is idempotent when the arguments are equal,
/// so producers declare too, and a job sent before any worker ever started waits in its queue instead of vanishing.
/// A plain AMQP producer publishes to the default exchange with the queue name as routing key (schemas/README.md).
/// </summary>
public static class PipelineTopology
{
    /// <summary>The job queue's arguments; MassTransit's <c>EnablePriority</c> writes the same (an int).</summary>
    public static IDictionary<string, object?> JobQueueArguments { get; } = new Dictionary<string, object?>
    {
        ["x-max-priority"] = (int)JobPriorities.MaxAmqpPriority,
    };

    /// <summary>A connection factory for <paramref name="options"/>, named after the caller in the management UI.</summary>
    public static ConnectionFactory CreateConnectionFactory(RabbitMqOptions options, string clientName)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ConnectionFactory
        {
            HostName = options.Host,
            Port = options.Port,
            VirtualHost = options.VirtualHost,
            UserName = options.Username,
            Password = options.Password,
            ClientProvidedName = clientName,
            AutomaticRecoveryEnabled = false,
        };
    }

    /// <summary>Declares the job and cancel queues with their exchanges and bindings.</summary>
    public static async Task DeclareWorkQueuesAsync(IChannel channel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        await DeclareAsync(channel, PipelineEndpoints.JobQueue, JobQueueArguments, cancellationToken).ConfigureAwait(false);
        await DeclareAsync(channel, PipelineEndpoints.CancelQueue, null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task DeclareAsync(IChannel channel, string name, IDictionary<string, object?>? arguments, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(name, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        await channel.QueueBindAsync(name, name, routingKey: "", cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
