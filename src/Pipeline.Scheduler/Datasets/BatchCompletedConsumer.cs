using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Scheduler.Datasets;

/// <summary>Writes a run's dataset when its batch completes; batches that are not scheduler runs are ignored.</summary>
public sealed class BatchCompletedConsumer(DatasetWriter writer) : IConsumer<BatchCompleted>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<BatchCompleted> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return writer.CompleteAsync(context.Message.BatchId, context.CancellationToken);
    }
}

/// <summary>Queue name and retry policy of <see cref="BatchCompletedConsumer"/>: storage hiccups retry, then the message goes to <c>_error</c> and the reconciler finishes the run.</summary>
public sealed class BatchCompletedConsumerDefinition : ConsumerDefinition<BatchCompletedConsumer>
{
    /// <summary>The queue bound to <see cref="BatchCompleted"/>.</summary>
    public const string QueueName = "pipeline-scheduler-batch-completed";

    /// <summary>Sets the queue name and one-at-a-time processing (a dataset write is I/O-heavy).</summary>
    public BatchCompletedConsumerDefinition()
    {
        EndpointName = QueueName;
        ConcurrentMessageLimit = 2;
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<BatchCompletedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(2)));
    }
}
