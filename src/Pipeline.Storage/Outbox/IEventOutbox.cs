namespace Pipeline.Storage.Outbox;

/// <summary>
/// The terminal events recorded with their job's or batch's state (<see cref="Jobs.IJobStore"/> writes the row in the same
/// statement that makes a job succeeded, failed or canceled, or a batch completed) and published from here once each.
/// <para>
/// <see cref="DispatchAsync"/> takes pending rows one at a time: it locks one (<c>FOR UPDATE SKIP LOCKED</c>, so two
/// dispatchers never take the same row), calls <c>publish</c> — which returns once the broker confirmed it — and records
/// it sent in the same transaction. The one way an event is published twice is a dispatcher dying (or losing the
/// database) after the broker confirmed and before that commit: the row is still pending and is published again under
/// the same message id, which consumers deduplicate by. Each dispatcher has at most one event in that window.
/// </para>
/// </summary>
public interface IEventOutbox
{
    /// <summary>
    /// Publishes pending events through <paramref name="publish"/>, in insertion order, and records the ones it returned
    /// for as sent: those named by <paramref name="messageIds"/> (a writer dispatching what it just committed), or, when
    /// null, the oldest pending ones (the sweep), at most <paramref name="limit"/>. Rows another dispatcher holds are
    /// skipped. An event whose publish throws stays pending and is reported in <see cref="OutboxDispatch.Failed"/>.
    /// </summary>
    Task<OutboxDispatch> DispatchAsync(IReadOnlyCollection<Guid>? messageIds, int limit, Func<OutboxEvent, CancellationToken, Task> publish,
        CancellationToken cancellationToken = default);

    /// <summary>Deletes events sent before <paramref name="sentBefore"/>; returns how many.</summary>
    Task<int> PruneSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken = default);
}
