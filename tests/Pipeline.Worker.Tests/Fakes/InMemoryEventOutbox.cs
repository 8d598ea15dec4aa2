using Pipeline.Contracts;
using Pipeline.Storage.Outbox;

namespace Pipeline.Worker.Tests.Fakes;

/// <summary>The outbox's contract in memory: one row per event and subject, dispatched in order, each sent once unless its publish throws.</summary>
internal sealed class InMemoryEventOutbox : IEventOutbox
{
    private readonly Lock _gate = new();
    private readonly List<Row> _rows = [];

    /// <summary>Every row written, sent or not.</summary>
    public IReadOnlyList<OutboxEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _rows.Select(r => r.Event)];
            }
        }
    }

    /// <summary>Rows not yet sent.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _rows.Count(r => !r.Sent && !r.Locked);
            }
        }
    }

    /// <summary>What the job store's terminal transitions call, in the same step as the state change.</summary>
    public void Add(string eventType, string subjectId)
    {
        lock (_gate)
        {
            var id = EventMessageIds.For(eventType, subjectId);
            if (_rows.All(r => r.Event.MessageId != id))
            {
                _rows.Add(new Row(new OutboxEvent(id, _rows.Count + 1, eventType, subjectId, DateTimeOffset.UtcNow)));
            }
        }
    }

    public async Task<OutboxDispatch> DispatchAsync(IReadOnlyCollection<Guid>? messageIds, int limit, Func<OutboxEvent, CancellationToken, Task> publish,
        CancellationToken cancellationToken = default)
    {
        List<Row> taken;
        lock (_gate)
        {
            taken = [.. _rows.Where(r => !r.Sent && !r.Locked && (messageIds is null || messageIds.Contains(r.Event.MessageId))).Take(limit)];
            taken.ForEach(r => r.Locked = true);
        }

        var sent = new List<OutboxEvent>();
        var failed = new List<OutboxFailure>();
        foreach (var row in taken)
        {
            try
            {
                await publish(row.Event, cancellationToken);
                sent.Add(row.Event);
                row.Sent = true;
            }
            catch (Exception e)
            {
                failed.Add(new OutboxFailure(row.Event, e));
            }
            finally
            {
                row.Locked = false;
            }
        }

        return new OutboxDispatch(sent, failed);
    }

    public Task<int> PruneSentAsync(DateTimeOffset sentBefore, CancellationToken cancellationToken = default) => Task.FromResult(0);

    private sealed class Row(OutboxEvent outboxEvent)
    {
        public OutboxEvent Event { get; } = outboxEvent;
        public bool Sent { get; set; }
        public bool Locked { get; set; }
    }
}
