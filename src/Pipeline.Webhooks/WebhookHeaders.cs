namespace Pipeline.Webhooks;

/// <summary>The headers of every webhook POST. Receivers read them with <see cref="WebhookSignature.Verify(string, string?, string?, ReadOnlySpan{byte}, DateTimeOffset, TimeSpan?)"/>.</summary>
public static class WebhookHeaders
{
    /// <summary><c>sha256=&lt;64 lowercase hex&gt;</c>: HMAC-SHA256 with the shared secret over <c>&lt;timestamp&gt;.&lt;body&gt;</c>.</summary>
    public const string Signature = "X-Pipeline-Signature";

    /// <summary>Unix seconds when this attempt was signed. Signed with the body, so a captured request cannot be replayed later.</summary>
    public const string Timestamp = "X-Pipeline-Timestamp";

    /// <summary>The event's stable id: the same for every attempt and every redelivery of one event, for deduplication.</summary>
    public const string EventId = "X-Pipeline-Event-Id";

    /// <summary>The event type, e.g. <c>job.completed</c> (<see cref="WebhookEventTypes"/>).</summary>
    public const string EventType = "X-Pipeline-Event";

    /// <summary>1 for the first attempt, then 2, 3, … (informational; not signed).</summary>
    public const string Attempt = "X-Pipeline-Delivery-Attempt";

    /// <summary>The prefix of <see cref="Signature"/>'s value.</summary>
    public const string SignaturePrefix = "sha256=";
}
