namespace Pipeline.Webhooks;

/// <summary>
/// One event to deliver to one callback URL. Build it with <see cref="WebhookEvents"/>, which gives it a stable id
/// and the JSON body; the body is signed and sent byte for byte as given.
/// </summary>
/// <param name="EventId">Stable id for receiver-side deduplication (the same for a redelivered contract event).</param>
/// <param name="EventType">One of <see cref="WebhookEventTypes"/>.</param>
/// <param name="CallbackUrl">An absolute http(s) URL.</param>
/// <param name="Body">The UTF-8 JSON body.</param>
public sealed record WebhookEvent(string EventId, string EventType, Uri CallbackUrl, ReadOnlyMemory<byte> Body);
