using System.Collections.Concurrent;
using Pipeline.Webhooks;

namespace Pipeline.Worker.Tests.Fakes;

/// <summary>Keeps every webhook handed to it, in order; <see cref="Accept"/> says what <see cref="TryPublish"/> answers.</summary>
internal sealed class RecordingWebhookPublisher : IWebhookPublisher
{
    public ConcurrentQueue<WebhookEvent> Events { get; } = new();

    public bool Accept { get; set; } = true;

    public bool TryPublish(WebhookEvent webhookEvent)
    {
        Events.Enqueue(webhookEvent);
        return Accept;
    }

    public IReadOnlyList<WebhookEvent> OfType(string eventType) => [.. Events.Where(e => e.EventType == eventType)];
}
