using System.Globalization;
using MassTransit;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Messaging;
using Pipeline.Storage.Jobs;
using Pipeline.Worker.Jobs;

namespace Pipeline.Worker.Consumers;

/// <summary>
/// Fans a <see cref="SubmitBatch"/> (queue <see cref="PipelineEndpoints.BatchQueue"/>: the Scheduler, or any AMQP client)
/// out into jobs, recording exactly what the Api records for <c>POST /v1/batches</c>, so batch status, counts and
/// <see cref="BatchCompleted"/> work the same whichever way a batch came in:
/// <list type="number">
/// <item>contract checks (<see cref="SubmitJobRules.Validate(SubmitBatch)"/>): any problem rejects the whole batch, nothing
/// recorded, never retried (<see cref="InvalidBatchException"/> → <c>pipeline-batches_error</c>, reasons logged);</item>
/// <item>the batch record (<see cref="IJobStore.InsertBatchAsync"/>: expected jobs, callback URL, submission time);</item>
/// <item>each job, in order, with the batch id and submission time filled in, recorded and sent to the job queue with
/// its class's priority (<see cref="JobSubmission.RecordAndSendAsync"/>, the Api's rule: a job already recorded is sent
/// again only while it is still queued);</item>
/// <item>a completion check, for a repeated batch whose jobs had all ended (nothing else would complete it).</item>
/// </list>
/// Every step is idempotent, so a redelivered or retried batch records nothing twice, finishes what an interrupted
/// attempt left unsent, and — since the job consumer acknowledges ended jobs without running them — makes no second result.
/// </summary>
public sealed partial class SubmitBatchConsumer(IJobStore jobs, JobOutcomes outcomes, JobSubmissionMetrics submissions, TimeProvider time,
    ILogger<SubmitBatchConsumer> logger)
    : IConsumer<SubmitBatch>
{
    public async Task Consume(ConsumeContext<SubmitBatch> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var receivedAt = time.GetUtcNow();
        var batch = context.Message;
        var cancellationToken = context.CancellationToken;
        var errors = Check(batch);
        if (errors.Count > 0)
        {
            var rejected = new InvalidBatchException(batch.BatchId, errors);
            LogRejected(logger, batch.BatchId, errors.Count, InvalidBatchException.Describe(errors));
            throw rejected;
        }

        var submittedAt = batch.SubmittedAt ?? receivedAt;
        var insert = await jobs.InsertBatchAsync(new NewBatch
        {
            BatchId = batch.BatchId,
            ExpectedJobs = batch.Jobs.Count,
            CallbackUrl = batch.CallbackUrl,
            SubmittedAt = submittedAt,
        }, cancellationToken).ConfigureAwait(false);
        if (!insert.Created)
        {
            LogRepeated(logger, batch.BatchId, insert.Batch.Status);
        }

        var created = 0;
        foreach (var job in ToJobs(batch, submittedAt))
        {
            var recorded = await JobSubmission.RecordAndSendAsync(jobs, job, (message, token) => context.SendJobAsync(message, token), cancellationToken)
                .ConfigureAwait(false);
            if (recorded.Created)
            {
                created++;
                submissions.Submitted(job);
            }
            else if (recorded.Conflicts)
            {
                // The id is taken by a different request (outside this batch, or the batch sent again with other jobs):
                // nothing is sent for it, and a job outside the batch does not count here, so the batch cannot complete.
                LogConflict(logger, batch.BatchId, job.JobId, recorded.Job.BatchId, string.Join(", ", recorded.DifferingFields));
            }
        }

        await outcomes.CompleteBatchAsync(context, batch.BatchId, cancellationToken).ConfigureAwait(false);
        LogFannedOut(logger, batch.BatchId, batch.Jobs.Count, created);
    }

    /// <summary>
    /// The batch's jobs as they are recorded and sent: the batch id filled in, and the submission time (the job's own, else
    /// the batch's, else when the batch was received), as the Api stamps its batch items.
    /// </summary>
    public static IEnumerable<SubmitJob> ToJobs(SubmitBatch batch, DateTimeOffset submittedAt)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Jobs.Select(job => job with { BatchId = batch.BatchId, SubmittedAt = job.SubmittedAt ?? submittedAt });
    }

    /// <summary>
    /// Every contract problem of <paramref name="batch"/> (<see cref="SubmitJobRules.Validate(SubmitBatch)"/>), plus the
    /// holes a plain-JSON producer can leave that the typed contract cannot: a null job in the list.
    /// </summary>
    public static IReadOnlyList<ContractError> Check(SubmitBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Jobs is { } list && list.Any(job => job is null))
        {
            var index = list.Select((job, i) => (job, i)).First(x => x.job is null).i;
            return [new ContractError(ContractErrorCodes.InvalidBatch, string.Create(CultureInfo.InvariantCulture, $"jobs[{index}] is null"))];
        }

        return SubmitJobRules.Validate(batch);
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning,
        Message = "Batch {BatchId} rejected with {Count} problems, nothing recorded; the message goes to the error queue: {Reasons}")]
    private static partial void LogRejected(ILogger logger, string? batchId, int count, string reasons);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Batch {BatchId} received again (it is {Status}): recording and sending only what is missing")]
    private static partial void LogRepeated(ILogger logger, string batchId, BatchStatus status);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning,
        Message = "Batch {BatchId}: job {JobId} already exists (in batch '{OtherBatchId}') with a different request ({Fields} differ); it is not sent, and a job outside this batch does not count towards it")]
    private static partial void LogConflict(ILogger logger, string batchId, string jobId, string? otherBatchId, string fields);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "Batch {BatchId}: {Jobs} jobs, {Created} newly recorded and sent")]
    private static partial void LogFannedOut(ILogger logger, string batchId, int jobs, int created);
}

/// <summary>
/// The batch queue: raw JSON accepted beside the envelope (schemas/submit-batch.schema.json), a plain classic queue (the
/// Scheduler declares it too, through its <c>queue:</c> send address, with no arguments), few batches at once (a fan-out
/// is database and broker round trips, not GPU work), and the worker's message retry for transient faults — never for a
/// batch that breaks the contract.
/// </summary>
public sealed class SubmitBatchConsumerDefinition : ConsumerDefinition<SubmitBatchConsumer>
{
    /// <summary>Batches fanned out at once by one worker.</summary>
    public const int ConcurrentBatches = 2;

    private readonly Hosting.WorkerOptions _options;

    public SubmitBatchConsumerDefinition(Microsoft.Extensions.Options.IOptions<Hosting.WorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        EndpointName = PipelineEndpoints.BatchQueue;
        ConcurrentMessageLimit = ConcurrentBatches;
        Endpoint(e =>
        {
            e.Name = PipelineEndpoints.BatchQueue;
            e.PrefetchCount = ConcurrentBatches;
            e.ConcurrentMessageLimit = ConcurrentBatches;
        });
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<SubmitBatchConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: false);
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Exponential(_options.RetryLimit, _options.RetryMinInterval, _options.RetryMaxInterval, _options.RetryIntervalDelta);
            r.Ignore<InvalidBatchException>();
            SubmitJobConsumerDefinition.IgnoreBadInput(r);
        });
    }
}
