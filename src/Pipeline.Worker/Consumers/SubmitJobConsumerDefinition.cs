using System.Text.Json;
using MassTransit;
using MassTransit.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Storage;
using Pipeline.Worker.Hosting;
using Pipeline.Worker.Jobs;

namespace Pipeline.Worker.Consumers;

/// <summary>
/// The job queue's policy: concurrency and prefetch near the engine's slot count (more would pull the backlog out of
/// RabbitMQ, where message priority can no longer reorder it), a classic queue with <c>x-max-priority</c>, raw JSON
/// accepted beside MassTransit's envelope (so any AMQP client can submit jobs), exponential message retry for
/// transient faults — never for bad input — and, ahead of the consumer, the guard that fails the job of a message naming
/// it but unreadable as one (<see cref="MalformedJobFilter"/>).
/// </summary>
public sealed class SubmitJobConsumerDefinition : ConsumerDefinition<SubmitJobConsumer>
{
    private readonly WorkerOptions _options;

    public SubmitJobConsumerDefinition(IOptions<WorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        EndpointName = PipelineEndpoints.JobQueue;
        ConcurrentMessageLimit = _options.EffectiveConcurrency;
        Endpoint(e =>
        {
            e.Name = PipelineEndpoints.JobQueue;
            e.PrefetchCount = _options.EffectivePrefetch;
            e.ConcurrentMessageLimit = _options.EffectiveConcurrency;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SubmitJobConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        ConfigureQueue(endpointConfigurator, _options.EffectivePrefetch);
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Exponential(_options.RetryLimit, _options.RetryMinInterval, _options.RetryMaxInterval, _options.RetryIntervalDelta);
            IgnoreBadInput(r);
        });
        // Before the dispatch by message type (which is where deserialization fails), hence a pre-pipe filter.
        endpointConfigurator.AddPrePipeSpecification(
            new FilterPipeSpecification<ConsumeContext>(new MalformedJobFilter(context.GetRequiredService<JobRejections>())));
    }

    /// <summary>The job queue's declaration and deserializers, shared with tests that build the endpoint by hand.</summary>
    public static void ConfigureQueue(IReceiveEndpointConfigurator endpoint, int prefetch)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.EnablePriority(JobPriorities.MaxAmqpPriority);
            rabbit.PrefetchCount = prefetch;
        }

        // Envelope stays the default; application/json bodies are read as the bare message (schemas/submit-job.schema.json).
        endpoint.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: false);
    }

    /// <summary>Faults that repeat identically on every attempt.</summary>
    public static void IgnoreBadInput(IRetryConfigurator retry)
    {
        ArgumentNullException.ThrowIfNull(retry);
        retry.Ignore<InvalidJobException>();
        retry.Ignore<StorageInputException>();
        retry.Ignore<UnattributableMessageException>();
        retry.Ignore<JsonException>();
        retry.Ignore<System.Runtime.Serialization.SerializationException>();
    }
}
