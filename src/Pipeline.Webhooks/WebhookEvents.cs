using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Webhooks;

/// <summary>
/// Turns contract events into <see cref="WebhookEvent"/>s. The event id is derived from the event type and the
/// job or batch id (<c>evt_</c> + 32 hex of SHA-256), so a contract event published twice (a redelivery after a
/// crash) yields the same id and a receiver that deduplicates by it acts once.
/// </summary>
public static class WebhookEvents
{
    /// <summary>The event for a succeeded job.</summary>
    public static WebhookEvent For(JobCompleted e, Uri callbackUrl) =>
        Create(WebhookEventTypes.JobCompleted, Require(e).JobId, e.CompletedAt, e, callbackUrl);

    /// <summary>The event for a failed job.</summary>
    public static WebhookEvent For(JobFailed e, Uri callbackUrl) =>
        Create(WebhookEventTypes.JobFailed, Require(e).JobId, e.FailedAt, e, callbackUrl);

    /// <summary>The event for a canceled job.</summary>
    public static WebhookEvent For(JobCanceled e, Uri callbackUrl) =>
        Create(WebhookEventTypes.JobCanceled, Require(e).JobId, e.CanceledAt, e, callbackUrl);

    /// <summary>The event for a completed batch.</summary>
    public static WebhookEvent For(BatchCompleted e, Uri callbackUrl) =>
        Create(WebhookEventTypes.BatchCompleted, Require(e).BatchId, e.CompletedAt, e, callbackUrl);

    /// <summary>The stable id of the <paramref name="eventType"/> event about <paramref name="subjectId"/>.
    /// The hex digits are those of the event's bus <c>MessageId</c> (<see cref="EventMessageIds"/>).</summary>
    public static string EventIdFor(string eventType, string subjectId) =>
        "evt_" + EventMessageIds.For(eventType, subjectId).ToString("N");

    private static WebhookEvent Create<T>(string type, string subjectId, DateTimeOffset occurredAt, T data, Uri callbackUrl)
    {
        ArgumentNullException.ThrowIfNull(callbackUrl);
        if (!callbackUrl.IsAbsoluteUri || (callbackUrl.Scheme != Uri.UriSchemeHttp && callbackUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("a callback URL must be an absolute http or https URL", nameof(callbackUrl));
        }

        var id = EventIdFor(type, subjectId);
        var envelope = new WebhookEnvelope<T> { Id = id, Type = type, OccurredAt = occurredAt, Data = data };
        return new WebhookEvent(id, type, callbackUrl, JsonSerializer.SerializeToUtf8Bytes(envelope, ContractJson.Options));
    }

    private static T Require<T>(T value)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(value);
        return value;
    }
}
