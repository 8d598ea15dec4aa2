namespace Pipeline.Webhooks;

/// <summary>
/// The hand-off from the job path to webhook delivery. <see cref="TryPublish"/> never waits and never does I/O:
/// a slow or failing receiver only ever fills the queue, it cannot slow the caller.
/// </summary>
public interface IWebhookPublisher
{
    /// <summary>
    /// Queues <paramref name="webhookEvent"/> for delivery. False when the event type is filtered out
    /// (<see cref="WebhookOptions.Events"/>) or the queue is full (the event is dropped and logged as a warning).
    /// </summary>
    bool TryPublish(WebhookEvent webhookEvent);
}
