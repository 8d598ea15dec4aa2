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
/// Runs one job per message (DESIGN §3). The message is acknowledged — this method returns — only after the result is
/// stored, the record says succeeded and <see cref="JobCompleted"/> is published, so a crash anywhere before means
/// redelivery, and every step is idempotent so a redelivery finishes the job instead of repeating it. Bad input ends
/// the job as failed at once; anything else propagates to the message retry (<see cref="SubmitJobConsumerDefinition"/>).
/// Traces: this runs under MassTransit's consume span, a child of the producer's send span (W3C trace context in the
/// message headers); the job's broker wait, its engine spans and the result write are children of it.
/// </summary>
public sealed partial class SubmitJobConsumer(
    IJobEngine engine,
    IJobStore jobs,
    IResultStore results,
    EngineJobFactory jobFactory,
    JobOutcomes outcomes,
    RunningJobs running,
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

        // The Api records jobs before sending them; a plain AMQP producer does not, so record it here (idempotent).
        var insert = await jobs.InsertAsync(NewJob.From(message) with { TraceId = PipelineTelemetry.CurrentTraceId() }, stopping).ConfigureAwait(false);
        if (insert.Created)
        {
            submissions.Submitted(message);
        }

        var record = insert.Job;
        switch (record.Status)
        {
            case JobStatus.Succeeded:
                // A redelivery of a finished job: announce it again (the first announcement may have been lost with the ack).
                await RepublishAsync(context, message, receivedAt).ConfigureAwait(false);
                return;
            case JobStatus.Failed or JobStatus.Canceled:
                LogSkipped(logger, message.JobId, record.Status);
                return;
        }

        var errors = SubmitJobRules.Validate(message);
        if (errors.Count > 0)
        {
            var reason = string.Join("; ", errors.Select(e => e.Message));
            await FailAsync(context, message, errors[0].Code, reason).ConfigureAwait(false);
            return;
        }

        using var registration = running.Register(message.JobId, stopping);
        var started = await jobs.MarkRunningAsync(message.JobId, stopping).ConfigureAwait(false);
        if (!started.Applied)
        {
            LogSkipped(logger, message.JobId, started.Job?.Status);
            return;
        }

        try
        {
            var (keys, metadata) = await ComputeAsync(context, message, registration.Token).ConfigureAwait(false);
            await outcomes.SucceededAsync(context, message, keys, metadata, receivedAt, stopping).ConfigureAwait(false);
            LogSucceeded(logger, message.JobId, metadata.StepsUsed, started.Job!.Attempts);
        }
        catch (InvalidJobException e)
        {
            await FailAsync(context, message, e.Code, e.Message).ConfigureAwait(false);
        }
        catch (StorageInputException e)
        {
            await FailAsync(context, message, e.Code, e.Message).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (registration.CanceledByRequest && !stopping.IsCancellationRequested)
        {
            // The cancel consumer already recorded 'canceled' and announced it; the engine stopped between iterations.
            LogCanceled(logger, message.JobId);
        }
    }

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

    private async Task RepublishAsync(ConsumeContext context, SubmitJob message, DateTimeOffset receivedAt)
    {
        var stored = await results.ReadAsync(message.JobId, context.CancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            await outcomes.SucceededAsync(context, message, stored.Keys, JobOutcomes.DeserializeMetadata(stored.MetadataJson), receivedAt,
                context.CancellationToken).ConfigureAwait(false);
        }

        LogSkipped(logger, message.JobId, JobStatus.Succeeded);
    }

    private Task FailAsync(ConsumeContext context, SubmitJob message, string code, string reason)
    {
        LogRejected(logger, message.JobId, code, reason);
        return outcomes.FailedAsync(context, message, new JobFailure(code, reason, Retryable: false), context.CancellationToken);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Job {JobId} succeeded with {StepsUsed} steps (attempt {Attempt})")]
    private static partial void LogSucceeded(ILogger logger, string jobId, int stepsUsed, int attempt);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Job {JobId} rejected: {Code}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string jobId, string code, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Job {JobId} is {Status} already; message acknowledged without running it")]
    private static partial void LogSkipped(ILogger logger, string jobId, JobStatus? status);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Job {JobId} canceled while running")]
    private static partial void LogCanceled(ILogger logger, string jobId);
}
