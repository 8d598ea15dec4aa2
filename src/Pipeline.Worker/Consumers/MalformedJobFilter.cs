using System.Runtime.ExceptionServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Worker.Jobs;

namespace Pipeline.Worker.Consumers;

/// <summary>
/// The job queue's guard against messages that name a job but cannot be read as one (a field of the wrong type, a
/// required field missing or null). MassTransit deserializes a raw JSON message only when a consumer asks for its type,
/// and a <see cref="JsonException"/> there is no consumer fault: the message would go to <c>pipeline-jobs_error</c> with
/// no record and no event, and the API would answer 404 for its id forever. So before the consumer runs, this asks for the
/// <see cref="SubmitJob"/> itself, exactly as MassTransit would (same serializer, same options); when that fails and
/// the JSON names a valid job id, the job is recorded as failed with <see cref="ContractErrorCodes.MalformedMessage"/> and
/// a sentence naming the field (<see cref="MalformedJobMessage"/>), <see cref="JobFailed"/> is published, and the message
/// is acknowledged. A message with no usable id rethrows, for the error queue. It runs ahead of MassTransit's dispatch by
/// message type, so outside the consumer's message retry: the job store's own retries cover a transient database
/// fault while recording, and a fault that outlasts them sends the message to the error queue as before.
/// </summary>
public sealed class MalformedJobFilter(JobRejections rejections) : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        JsonException? unreadable = null;
        try
        {
            // Deserializes now (and caches the result for the dispatch that follows); false for a message of another type.
            context.TryGetMessage<SubmitJob>(out _);
        }
        catch (JsonException e)
        {
            unreadable = e;
        }

        if (unreadable is null)
        {
            await next.Send(context).ConfigureAwait(false);
            return;
        }

        var body = ReadBody(context);
        if (body is null || !MalformedJobMessage.TryRead(body, unreadable, out var job, out var reason))
        {
            ExceptionDispatchInfo.Throw(unreadable);
            return;
        }

        await rejections.RejectAsync(context, job, ContractErrorCodes.MalformedMessage, reason, context.CancellationToken).ConfigureAwait(false);
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("malformedJobMessages");

    /// <summary>The message as a JSON object (the envelope's <c>message</c>, or the raw body), or null when it is none.</summary>
    private static JsonObject? ReadBody(ConsumeContext context)
    {
        try
        {
            return context.TryGetMessage<JsonObject>(out var body) ? body.Message : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // An array or a scalar at the top: nothing names a job.
            return null;
        }
    }
}
