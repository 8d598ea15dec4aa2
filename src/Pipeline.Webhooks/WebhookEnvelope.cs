namespace Pipeline.Webhooks;

/// <summary>The JSON body of every webhook: the event's id and type, when it happened, and the contract event as <see cref="Data"/>.</summary>
/// <typeparam name="T">The contract event (<c>JobCompleted</c>, <c>JobFailed</c>, <c>JobCanceled</c>, <c>BatchCompleted</c>).</typeparam>
public sealed record WebhookEnvelope<T>
{
    /// <summary>The same as the <see cref="WebhookHeaders.EventId"/> header.</summary>
    public required string Id { get; init; }

    /// <summary>The same as the <see cref="WebhookHeaders.EventType"/> header.</summary>
    public required string Type { get; init; }

    /// <summary>When the event happened (the contract event's own time).</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The contract event, serialized with <c>ContractJson.Options</c>.</summary>
    public required T Data { get; init; }
}
