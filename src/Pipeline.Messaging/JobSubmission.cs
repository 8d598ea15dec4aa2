using MassTransit;
using Pipeline.Contracts;
using Pipeline.Contracts.Telemetry;
using Pipeline.Storage.Jobs;

namespace Pipeline.Messaging;

/// <summary>
/// How a producer that records jobs before sending them does both, so a job looks the same in the store and on the queue
/// whichever way it came in: the Api's HTTP path (single jobs and <c>POST /v1/batches</c>) and the worker's
/// <see cref="SubmitBatch"/> fan-out use it alike.
/// <list type="bullet">
/// <item>The job is recorded <c>queued</c> first (<see cref="NewJob.From"/>), so a job that was accepted is always visible,
/// with the trace it was submitted under (<see cref="PipelineTelemetry.CurrentTraceId"/>); the send carries the same trace to
/// the worker in the message headers.</item>
/// <item>An id that exists with a different request (<see cref="SubmitJobComparison"/>) is a conflict: nothing is sent, and
/// the caller refuses the submission naming the fields (the Api answers 409).</item>
/// <item>It is sent when this call created the record, or when the record exists with the same request but is still
/// <c>queued</c>: then the <em>recorded</em> request is sent again. That may put a second copy on the queue (concurrent
/// identical submissions each send one) — harmless: the copy finds the job leased by the worker running it, or ended,
/// and is acknowledged without running it — and it is what rescues a job whose first send never reached the broker (a
/// client retry, a redelivered batch). A job that is running or has ended is not sent again.</item>
/// <item>It goes to the job queue's exchange (<see cref="PipelineAddresses.Jobs"/>) with the AMQP priority of its class
/// (<see cref="JobPriorities.ToAmqpPriority"/>).</item>
/// </list>
/// </summary>
public static class JobSubmission
{
    /// <summary>
    /// Records <paramref name="message"/> unless its id exists, then sends it through <paramref name="send"/> when it is new
    /// or still queued with the same request (see the class remarks). Returns what it did, with the differing fields when
    /// the id belongs to a different request.
    /// </summary>
    /// <param name="jobs">The job store.</param>
    /// <param name="message">The job as the producer built it (batch id and submission time filled in).</param>
    /// <param name="send">Sends one job; normally <see cref="SendJobAsync"/>, wrapped by the Api in its send timeout.</param>
    /// <param name="cancellationToken">Cancels the insert and the send.</param>
    public static async Task<JobSubmissionResult> RecordAndSendAsync(IJobStore jobs, SubmitJob message, Func<SubmitJob, CancellationToken, Task> send,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(send);
        var insert = await jobs.InsertAsync(NewJob.From(message) with { TraceId = PipelineTelemetry.CurrentTraceId() }, cancellationToken)
            .ConfigureAwait(false);
        if (insert.Created)
        {
            await send(message, cancellationToken).ConfigureAwait(false);
            return new JobSubmissionResult(true, insert.Job, []);
        }

        var recorded = insert.Job.ReadRequest();
        var differing = SubmitJobComparison.DifferingFields(recorded, message);
        if (differing.Count == 0 && insert.Job.Status == JobStatus.Queued)
        {
            await send(recorded, cancellationToken).ConfigureAwait(false);
        }

        return new JobSubmissionResult(false, insert.Job, differing);
    }

    /// <summary>
    /// Sends <paramref name="job"/> to the job queue's exchange with its class's AMQP priority. The priority is set only on
    /// RabbitMQ (the only transport the hosts use); other transports (the in-memory test harness) have no such property.
    /// </summary>
    public static async Task SendJobAsync(this ISendEndpointProvider endpoints, SubmitJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(job);
        var endpoint = await endpoints.GetSendEndpoint(PipelineAddresses.Jobs).ConfigureAwait(false);
        var priority = JobPriorities.ToAmqpPriority(job.Priority);
        await endpoint.Send(job, context => context.TrySetPriority(priority), cancellationToken).ConfigureAwait(false);
    }
}
