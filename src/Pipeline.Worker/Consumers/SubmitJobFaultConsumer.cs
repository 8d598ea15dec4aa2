using MassTransit;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;
using Pipeline.Worker.Jobs;

namespace Pipeline.Worker.Consumers;

/// <summary>
/// A job message that outlasted every retry went to <c>pipeline-jobs_error</c>; MassTransit publishes its
/// <see cref="Fault{T}"/>, and this records the job as failed (retryable) with the reason and announces it — unless a
/// live lease shows another worker running the job from another copy of its message: the fault was this copy's, and
/// that worker finishes the job (the faulted worker gave its own lease back when it gave up).
/// </summary>
public sealed partial class SubmitJobFaultConsumer(JobOutcomes outcomes, IJobStore jobs, TimeProvider time, ILogger<SubmitJobFaultConsumer> logger)
    : IConsumer<Fault<SubmitJob>>
{
    /// <summary>The code of a job that failed for a reason of the system, not of its input.</summary>
    public const string InternalError = "internal_error";

    /// <summary>The message of such a job: what happened and what to do, without the exception's text (that is logged).</summary>
    public const string FaultMessage =
        "The worker failed on its side on every attempt, not because of the job's input; submit the job again later. "
        + "The cause is in the worker's log (the retries of this job's message).";

    public async Task Consume(ConsumeContext<Fault<SubmitJob>> context)
    {
        var fault = context.Message;
        var job = fault.Message;
        var exception = fault.Exceptions.FirstOrDefault();

        // A stopping worker cancels its jobs and hands the messages back: that is a redelivery, not a failure.
        if (job is null || !JobIds.IsValid(job.JobId) || exception?.ExceptionType is { } type && type.EndsWith("CanceledException", StringComparison.Ordinal))
        {
            return;
        }

        var record = await jobs.GetAsync(job.JobId, context.CancellationToken).ConfigureAwait(false);
        if (record is { Status: JobStatus.Running, LeaseExpiresAt: { } expires } && expires > time.GetUtcNow())
        {
            LogRunningElsewhere(logger, job.JobId, record.LeasedBy);
            return;
        }

        // The exception's text stays in the log, not in the job: the job's message is read by its submitter, and
        // "System.NullReferenceException: Object reference not set…" tells them nothing they can act on. MassTransit
        // logged each retry and the fault with the exception; JobOutcomes logs the failure (one error line: retryable,
        // the system's fault).
        await outcomes.FailedAsync(context, job, new JobFailure(InternalError, FaultMessage, Retryable: true), context.CancellationToken)
            .ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 90, Level = LogLevel.Warning,
        Message = "A copy of job {JobId}'s message failed after every retry, but {Holder} holds the job's lease and runs it; the job is not failed")]
    private static partial void LogRunningElsewhere(ILogger logger, string jobId, string? holder);
}

/// <summary>The fault consumer's queue.</summary>
public sealed class SubmitJobFaultConsumerDefinition : ConsumerDefinition<SubmitJobFaultConsumer>
{
    /// <summary>The queue name.</summary>
    public const string QueueName = "pipeline-job-faults";

    public SubmitJobFaultConsumerDefinition()
    {
        EndpointName = QueueName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SubmitJobFaultConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseMessageRetry(r => r.Exponential(10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2)));
    }
}
