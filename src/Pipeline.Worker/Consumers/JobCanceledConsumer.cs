using MassTransit;
using Pipeline.Contracts;
using Pipeline.Worker.Jobs;

namespace Pipeline.Worker.Consumers;

/// <summary>Stops a canceled job if it runs on this worker. Every worker hears every <see cref="JobCanceled"/>.</summary>
public sealed class JobCanceledConsumer(RunningJobs running) : IConsumer<JobCanceled>
{
    public Task Consume(ConsumeContext<JobCanceled> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        running.Cancel(context.Message.JobId);
        return Task.CompletedTask;
    }
}

/// <summary>A temporary queue per worker process (auto-deleted when it stops), so each worker gets its own copy of the event.</summary>
public sealed class JobCanceledConsumerDefinition : ConsumerDefinition<JobCanceledConsumer>
{
    public JobCanceledConsumerDefinition()
    {
        Endpoint(e =>
        {
            e.Name = "pipeline-worker-cancellations";
            e.InstanceId = "-" + Guid.NewGuid().ToString("N")[..12];
            e.Temporary = true;
        });
    }
}
