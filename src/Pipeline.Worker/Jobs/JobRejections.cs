using MassTransit;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// Ends as failed, with a code and a sentence, the job of a message that cannot run as sent — fields that break the
/// contract rules (<see cref="Consumers.SubmitJobConsumer"/>) or that cannot even be read (<see cref="Consumers.MalformedJobFilter"/>)
/// — so every message that names a valid job id leaves a failed record and a <see cref="JobFailed"/>, whatever else is
/// wrong with it; only a message without a usable job id goes to the error queue. The record keeps the request as sent,
/// with what its columns cannot hold replaced: a kind or priority that is empty or too long reads <see cref="UnknownValue"/>,
/// an invalid batch id is left out.
/// <para>
/// The id may already name a job: the same message came before (a redelivery after a crash between recording and failing
/// it: it is failed now), or a different, valid request holds it — then this copy changes nothing, since the id is that
/// job's (<see cref="SubmitJobComparison"/>).
/// </para>
/// </summary>
public sealed partial class JobRejections(IJobStore jobs, JobOutcomes outcomes, ILogger<JobRejections> logger)
{
    /// <summary>What a rejected job's kind or priority column reads when the message's value cannot be stored.</summary>
    public const string UnknownValue = "unknown";

    /// <summary>Longest kind or priority a record holds (the columns' limit).</summary>
    private const int MaxColumnText = 64;

    /// <summary>Records <paramref name="job"/> (unless its id names another request) as failed with <paramref name="code"/> and announces it.</summary>
    public async Task RejectAsync(IPublishEndpoint publish, SubmitJob job, string code, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentNullException.ThrowIfNull(job);
        var storable = job with { BatchId = JobIds.IsValid(job.BatchId) ? job.BatchId : null };
        var record = NewJob.From(storable) with
        {
            Kind = Fits(job.Kind) ? job.Kind : UnknownValue,
            Priority = Fits(job.Priority) ? job.Priority : UnknownValue,
        };
        var insert = await jobs.InsertAsync(record, cancellationToken).ConfigureAwait(false);
        if (!insert.Created)
        {
            if (insert.Job.Status != JobStatus.Queued)
            {
                LogAlreadyDecided(logger, job.JobId, code, insert.Job.Status);
                return;
            }

            var differing = SubmitJobComparison.DifferingFields(insert.Job.ReadRequest(), storable);
            if (differing.Count > 0)
            {
                LogIdTaken(logger, job.JobId, code, string.Join(", ", differing));
                return;
            }
        }

        LogRejected(logger, job.JobId, code, reason);
        await outcomes.FailedAsync(publish, storable, new JobFailure(code, reason, Retryable: false), cancellationToken).ConfigureAwait(false);
    }

    private static bool Fits(string? value) => value is { Length: > 0 and <= MaxColumnText };

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Job {JobId} rejected: {Code}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string jobId, string code, string reason);

    [LoggerMessage(EventId = 84, Level = LogLevel.Information, Message = "Job {JobId}: a copy of its message is rejected ({Code}), but the job is {Status} already; nothing changes")]
    private static partial void LogAlreadyDecided(ILogger logger, string jobId, string code, JobStatus status);

    [LoggerMessage(EventId = 85, Level = LogLevel.Warning,
        Message = "Job {JobId}: a message rejected ({Code}) names a job recorded from a different request ({Fields} differ); the job keeps its record")]
    private static partial void LogIdTaken(ILogger logger, string jobId, string code, string fields);
}
