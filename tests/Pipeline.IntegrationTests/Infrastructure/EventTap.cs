using System.Text.Json;
using RabbitMQ.Client;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// A queue of the test's own bound to the event exchanges it names (MassTransit's fanout exchange per event type,
/// <c>Pipeline.Contracts:&lt;Event&gt;</c>): it gets a copy of every such event any host publishes, so a test can count
/// them per job. Bind it before the events happen; <see cref="CountAsync"/> takes what arrived so far.
/// </summary>
public sealed class EventTap
{
    private readonly TestPipeline _stack;
    private readonly string _queue = "test-event-tap-" + Guid.NewGuid().ToString("N")[..8];
    private readonly Dictionary<(string Event, string JobId), int> _counts = [];
    private readonly Dictionary<(string Event, string JobId), HashSet<string>> _messageIds = [];

    private EventTap(TestPipeline stack) => _stack = stack;

    /// <summary>Declares the exchanges (as MassTransit does: durable fanout) and the tap's queue bound to them.</summary>
    public static async Task<EventTap> StartAsync(TestPipeline stack, params string[] events)
    {
        var tap = new EventTap(stack);
        await using var connection = await tap.Factory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        // Durable, like the events: a drill restarts the broker, and the copies must survive it (the vhost goes with the test).
        await channel.QueueDeclareAsync(tap._queue, durable: true, exclusive: false, autoDelete: false);
        foreach (var name in events)
        {
            var exchange = $"Pipeline.Contracts:{name}";
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueBindAsync(tap._queue, exchange, routingKey: "");
        }

        return tap;
    }

    /// <summary>How many <paramref name="eventName"/> events for each job arrived so far (jobs with none are absent).</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountAsync(string eventName)
    {
        await DrainAsync();
        return _counts.Where(c => c.Key.Event == eventName).ToDictionary(c => c.Key.JobId, c => c.Value, StringComparer.Ordinal);
    }

    /// <summary>
    /// <see cref="CountAsync"/> once every job of <paramref name="jobIds"/> has at least one <paramref name="eventName"/>:
    /// an event leaves the outbox after the job's record commits, so a record read as finished may still have its event
    /// on the way.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> CountOnceEachArrivedAsync(string eventName, IReadOnlyCollection<string> jobIds, TimeSpan timeout)
    {
        IReadOnlyDictionary<string, int> counts = new Dictionary<string, int>();
        await Poll.UntilAsync(async () => jobIds.All((counts = await CountAsync(eventName)).ContainsKey), timeout,
            () => $"a {eventName} for each of {jobIds.Count} jobs (missing: {string.Join(", ", jobIds.Where(id => !counts.ContainsKey(id)).Take(10))})");
        return counts;
    }

    /// <summary>How many distinct <c>MessageId</c>s the <paramref name="eventName"/> events of each job arrived under so far.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountMessageIdsAsync(string eventName)
    {
        await DrainAsync();
        return _messageIds.Where(c => c.Key.Event == eventName).ToDictionary(c => c.Key.JobId, c => c.Value.Count, StringComparer.Ordinal);
    }

    private async Task DrainAsync()
    {
        await using var connection = await Factory().CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        while (await channel.BasicGetAsync(_queue, autoAck: true) is { } message)
        {
            using var envelope = JsonDocument.Parse(message.Body);
            var type = envelope.RootElement.GetProperty("messageType")[0].GetString()!;
            var name = type[(type.LastIndexOf(':') + 1)..];
            var jobId = envelope.RootElement.GetProperty("message").GetProperty("jobId").GetString()!;
            _counts[(name, jobId)] = _counts.GetValueOrDefault((name, jobId)) + 1;
            if (envelope.RootElement.TryGetProperty("messageId", out var messageId) && messageId.GetString() is { } id)
            {
                if (!_messageIds.TryGetValue((name, jobId), out var ids))
                {
                    _messageIds[(name, jobId)] = ids = new HashSet<string>(StringComparer.Ordinal);
                }

                ids.Add(id);
            }
        }
    }

    private ConnectionFactory Factory() => new() { Uri = _stack.Services.Rabbit!, VirtualHost = _stack.VirtualHost };
}
