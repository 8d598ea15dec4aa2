using MassTransit;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;
using Pipeline.Worker.Jobs;

namespace Pipeline.Worker.Consumers;

/// <summary>
/// Records a cancel (unless the producer already did, as the Api does) and announces it with <see cref="JobCanceled"/>:
/// a queued job then never runs (the job consumer reads the record first), and the worker running it, whichever that
/// is, stops it (<see cref="JobCanceledConsumer"/>); the job's callback URL, if any, gets <c>job.canceled</c>. A job that
/// has already ended keeps its outcome.
/// </summary>
public sealed partial class CancelJobConsumer(IJobStore jobs, JobOutcomes outcomes, ILogger<CancelJobConsumer> logger)
    : IConsumer<CancelJob>
{
    public async Task Consume(ConsumeContext<CancelJob> context)
    {
        var message = context.Message;
        if (!JobIds.IsValid(message.JobId))
        {
            throw new UnattributableMessageException($"cancel message without a valid jobId (must match {JobIds.Pattern})");
        }

        var transition = await jobs.CancelAsync(message.JobId, message.Reason, context.CancellationToken).ConfigureAwait(false);
        // Already canceled (the Api records the cancel itself before sending this): still announce it, so the worker
        // running the job stops it. JobCanceled may arrive twice; stopping twice is harmless.
        if (!transition.Applied && transition.Job?.Status != JobStatus.Canceled)
        {
            LogNotApplied(logger, message.JobId, transition.Job?.Status);
            return;
        }

        await outcomes.CanceledAsync(context, message.JobId, transition.Job, message.Reason, context.CancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 15, Level = LogLevel.Debug, Message = "Cancel of job {JobId} not applied: it is {Status}")]
    private static partial void LogNotApplied(ILogger logger, string jobId, JobStatus? status);
}

/// <summary>The cancel queue: raw JSON accepted, like the job queue.</summary>
public sealed class CancelJobConsumerDefinition : ConsumerDefinition<CancelJobConsumer>
{
    public CancelJobConsumerDefinition()
    {
        EndpointName = PipelineEndpoints.CancelQueue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CancelJobConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: false);
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Exponential(10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2));
            SubmitJobConsumerDefinition.IgnoreBadInput(r);
        });
    }
}
