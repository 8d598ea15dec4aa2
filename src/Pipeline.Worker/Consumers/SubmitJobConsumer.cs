using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Contracts.Telemetry;
using Pipeline.Engine;
using Pipeline.Messaging;
using Pipeline.Storage;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Results;
using Pipeline.Worker.Hosting;
using Pipeline.Worker.Jobs;
using Pipeline.Worker.Telemetry;

namespace Pipeline.Worker.Consumers;

/// <summary>
/// Runs one job per message (docs/architecture.md §4–5), at most once per job id however many copies of the message
/// arrive: the job's lease (<see cref="JobLeases"/>) is taken before the engine sees it, and a copy that finds it leased
/// by a live worker does no work. The message is acknowledged — this method returns — only after the result is stored,
/// the record says succeeded and <see cref="JobCompleted"/> is published, so a crash anywhere before means redelivery,
/// and every step is idempotent so a redelivery finishes the job instead of repeating it. Bad input ends the job as
/// failed at once; anything else propagates to the message retry (<see cref="SubmitJobConsumerDefinition"/>).
/// Traces: this runs under MassTransit's consume span, a child of the producer's send span (W3C trace context in the
/// message headers); the job's broker wait, its engine spans and the result write are children of it.
/// </summary>
public sealed partial class SubmitJobConsumer(
    IJobEngine engine,
    IJobStore jobs,
    IResultStore results,
    EngineJobFactory jobFactory,
    JobOutcomes outcomes,
    JobLeases leases,
    JobRejections rejections,
    JobSubmissionMetrics submissions,
    IBus bus,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<SubmitJobConsumer> logger) : IConsumer<SubmitJob>
{
    public async Task Consume(ConsumeContext<SubmitJob> context)
    {
        var receivedAt = time.GetUtcNow();
        var message = context.Message;
        var stopping = context.CancellationToken;
        if (!JobIds.IsValid(message.JobId))
        {
            throw new UnattributableMessageException($"job message without a valid jobId (must match {JobIds.Pattern}); moved to the error queue");
        }

        message = message with { SubmittedAt = message.SubmittedAt ?? receivedAt };
        WorkerActivities.TagJob(message.JobId, message.Kind, message.Priority);
        WorkerActivities.QueueWait(message.SubmittedAt.Value, receivedAt);
        var errors = SubmitJobRules.Validate(message);
        if (errors.Count > 0)
        {
            await rejections.RejectAsync(context, message, errors[0].Code, string.Join("; ", errors.Select(e => e.Message)), stopping)
                .ConfigureAwait(false);
            return;
        }

        // The Api records jobs before sending them; a plain AMQP producer does not, so record it here (idempotent).
        var insert = await jobs.InsertAsync(NewJob.From(message) with { TraceId = PipelineTelemetry.CurrentTraceId() }, stopping).ConfigureAwait(false);
        if (insert.Created)
        {
            submissions.Submitted(message);
        }

        if (insert.Job.Status is JobStatus.Failed or JobStatus.Canceled)
        {
            LogSkipped(logger, message.JobId, insert.Job.Status);
            return;
        }

        var job = insert.Created ? message : Recorded(insert.Job, message);
        await using var claim = await leases.ClaimAsync(job.JobId, context.ReceiveContext.Redelivered, stopping).ConfigureAwait(false);
        switch (claim.Kind)
        {
            case JobClaimKind.Run:
                await RunAsync(context, job, claim, receivedAt).ConfigureAwait(false);
                break;
            case JobClaimKind.Announce:
                await AnnounceAsync(context, job, claim).ConfigureAwait(false);
                break;
            case JobClaimKind.Ended:
                // Succeeded: not announced again by this copy — its JobCompleted was written to the outbox with the success,
                // and is published from there (at once, or by the sweep if that worker died first). The batch check is
                // repeated, for a worker that died between the job's end and it.
                if (claim.Record?.Status == JobStatus.Succeeded)
                {
                    await outcomes.CompleteBatchAsync(context, claim.Record.BatchId, stopping).ConfigureAwait(false);
                }

                LogSkipped(logger, job.JobId, claim.Record?.Status);
                break;
            case JobClaimKind.HeldElsewhere:
                LogDuplicate(logger, job.JobId, claim.Record?.LeasedBy ?? leases.Holder);
                break;
        }
    }

    private async Task RunAsync(ConsumeContext context, SubmitJob job, JobClaim claim, DateTimeOffset receivedAt)
    {
        var stopping = context.CancellationToken;
        var registration = claim.Registration!;
        await context.Publish(new JobAccepted
        {
            JobId = job.JobId,
            BatchId = job.BatchId,
            Kind = job.Kind,
            Priority = job.Priority,
            ModelPack = job.ModelPack,
            AcceptedAt = time.GetUtcNow(),
        }, stopping).ConfigureAwait(false);
        try
        {
            var (keys, metadata) = await ComputeAsync(context, job, registration.Token).ConfigureAwait(false);
            await outcomes.SucceededAsync(context, job, keys, metadata, receivedAt, claim.Holder, stopping).ConfigureAwait(false);
        }
        catch (InvalidJobException e)
        {
            await FailAsync(context, job, e.Code, e.Message).ConfigureAwait(false);
        }
        catch (StorageInputException e)
        {
            await FailAsync(context, job, e.Code, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (registration.CanceledByRequest && !stopping.IsCancellationRequested)
        {
            // The cancel consumer already recorded 'canceled', announced and logged it; the engine stopped between iterations.
            LogStoppedByCancel(logger, job.JobId);
        }
        catch (OperationCanceledException) when (registration.LeaseLost && !stopping.IsCancellationRequested)
        {
            // Another worker took the job over after this one's lease expired (it stalled past the lease): that worker
            // finishes it, and only the lease holder can mark it succeeded.
            LogLeaseLost(logger, job.JobId);
        }

        claim.Settle();
    }

    /// <summary>
    /// A job that succeeded before the outbox existed and whose worker died before announcing it: its completion goes to
    /// the outbox and is published from its stored result.
    /// </summary>
    private Task AnnounceAsync(ConsumeContext context, SubmitJob job, JobClaim claim) =>
        outcomes.AnnounceSucceededAsync(context, job, claim.Holder, context.CancellationToken);

    /// <summary>The stored result if an earlier attempt got that far, otherwise a fresh run stored now.</summary>
    private async Task<(ResultKeys Keys, ResultMetadata Metadata)> ComputeAsync(ConsumeContext context, SubmitJob message, CancellationToken jobToken)
    {
        var stored = await results.ReadAsync(message.JobId, context.CancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            return (stored.Keys, JobOutcomes.DeserializeMetadata(stored.MetadataJson));
        }

        var engineJob = await jobFactory.CreateAsync(message, context.CancellationToken).ConfigureAwait(false);
        EngineResult result;
        // Progress goes out on the bus, not the consume context: a progress event that cannot be published must not
        // fault the job's message (the context would wait for it before acknowledging).
        var reporter = new ProgressReporter(message, bus, jobs, options.Value.ProgressInterval, time, logger);
        await using (reporter.ConfigureAwait(false))
        {
            result = await engine.RunAsync(engineJob, reporter, jobToken).ConfigureAwait(false);
        }

        using var store = WorkerActivities.Source.StartActivity(PipelineSpanNames.ResultStore);
        var write = await results.WriteAsync(message.JobId,
            new ResultFiles(result.Png, result.Tokens, JobOutcomes.SerializeMetadata(result.Metadata)), context.CancellationToken).ConfigureAwait(false);
        return (write.Keys, result.Metadata);
    }

    /// <summary>
    /// The job as recorded: a copy whose request differs from the record's (a producer reused the id) runs what the id
    /// was first recorded with, like every other copy, so the id names one computation.
    /// </summary>
    private SubmitJob Recorded(JobRecord record, SubmitJob message)
    {
        var recorded = record.ReadRequest();
        var differing = SubmitJobComparison.DifferingFields(recorded, message);
        if (differing.Count > 0)
        {
            LogDiffers(logger, message.JobId, string.Join(", ", differing));
        }

        return recorded;
    }

    /// <summary>Bad input: the job fails at once, not retryable (<see cref="JobOutcomes"/> logs it).</summary>
    private Task FailAsync(ConsumeContext context, SubmitJob message, string code, string reason) =>
        outcomes.FailedAsync(context, message, new JobFailure(code, reason, Retryable: false), context.CancellationToken);

    // Both Debug: the job's outcome was logged once already, where it was recorded (JobOutcomes).
    [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "Job {JobId} is {Status} already; message acknowledged without running it")]
    private static partial void LogSkipped(ILogger logger, string jobId, JobStatus? status);

    [LoggerMessage(EventId = 19, Level = LogLevel.Debug, Message = "Job {JobId} stopped running: it was canceled")]
    private static partial void LogStoppedByCancel(ILogger logger, string jobId);

    [LoggerMessage(EventId = 86, Level = LogLevel.Debug,
        Message = "Job {JobId} is leased by {Holder}, which runs it; this copy of its message is acknowledged without running it")]
    private static partial void LogDuplicate(ILogger logger, string jobId, string holder);

    [LoggerMessage(EventId = 87, Level = LogLevel.Warning, Message = "Job {JobId} stopped here: its lease was lost to another worker, which finishes it")]
    private static partial void LogLeaseLost(ILogger logger, string jobId);

    [LoggerMessage(EventId = 88, Level = LogLevel.Warning,
        Message = "Job {JobId}: a copy of its message differs from the recorded request ({Fields}); the recorded request runs")]
    private static partial void LogDiffers(ILogger logger, string jobId, string fields);
}
