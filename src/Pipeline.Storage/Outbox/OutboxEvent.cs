namespace Pipeline.Storage.Outbox;

/// <summary>
/// A terminal event waiting in the outbox (<c>event_outbox</c>): which event (<see cref="EventType"/>, one of
/// <see cref="Pipeline.Contracts.EventMessageIds"/>' types) about which job or batch (<see cref="SubjectId"/>), under which
/// bus <see cref="MessageId"/>. The event's body is built from the subject's record when it is published.
/// </summary>
public sealed record OutboxEvent(Guid MessageId, long Sequence, string EventType, string SubjectId, DateTimeOffset CreatedAt);

/// <summary>An event whose publication threw: it stays pending, for the next dispatch.</summary>
public sealed record OutboxFailure(OutboxEvent Event, Exception Error);

/// <summary>What one <see cref="IEventOutbox.DispatchAsync"/> did: the events published and recorded sent, and those that failed.</summary>
public sealed record OutboxDispatch(IReadOnlyList<OutboxEvent> Sent, IReadOnlyList<OutboxFailure> Failed)
{
    /// <summary>Nothing was pending (or every pending row was being dispatched by someone else).</summary>
    public static OutboxDispatch None { get; } = new([], []);
}
