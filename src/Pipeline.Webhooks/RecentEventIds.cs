namespace Pipeline.Webhooks;

/// <summary>
/// The last <c>capacity</c> (event id, callback URL) pairs this process queued, so an event handed over twice — its
/// contract event republished from the outbox after a crash or outage between publishing and recording it sent — is
/// delivered once per process. Across processes the receiver deduplicates by the same event id.
/// </summary>
internal sealed class RecentEventIds(int capacity)
{
    private readonly HashSet<(string EventId, string Url)> _seen = [];
    private readonly Queue<(string EventId, string Url)> _order = new();
    private readonly Lock _gate = new();

    /// <summary>True, and remembered, when the pair is new; false when it was queued recently.</summary>
    public bool TryAdd(string eventId, Uri callbackUrl)
    {
        var key = (eventId, callbackUrl.AbsoluteUri);
        lock (_gate)
        {
            if (!_seen.Add(key))
            {
                return false;
            }

            _order.Enqueue(key);
            if (_order.Count > capacity)
            {
                _seen.Remove(_order.Dequeue());
            }

            return true;
        }
    }

    /// <summary>Forgets a pair (its event could not be queued, so a later hand-over must not be taken for a repeat).</summary>
    public void Remove(string eventId, Uri callbackUrl)
    {
        lock (_gate)
        {
            _seen.Remove((eventId, callbackUrl.AbsoluteUri));
        }
    }
}
