using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Pipeline.Webhooks;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// A webhook receiver on 127.0.0.1 (Kestrel, OS-chosen port) that answers 500 to the first <see cref="FailuresPerEvent"/>
/// deliveries of each event (by <see cref="WebhookHeaders.EventId"/>) and 200 after, recording every request as received.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    private LoopbackServer _server = null!;

    private WebhookReceiver(int failuresPerEvent) => FailuresPerEvent = failuresPerEvent;

    /// <summary>How many deliveries of each event are refused with 500 before one is accepted.</summary>
    public int FailuresPerEvent { get; }

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    /// <summary>The receiver's base URL; callback URLs are paths under it.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>A callback URL on this receiver.</summary>
    public Uri Url(string path) => new(BaseUrl, path.TrimStart('/'));

    public static async Task<WebhookReceiver> StartAsync(int failuresPerEvent)
    {
        var receiver = new WebhookReceiver(failuresPerEvent);
        receiver._server = await LoopbackServer.StartAsync(app => app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var eventId = context.Request.Headers[WebhookHeaders.EventId].ToString();
            var number = receiver._attempts.AddOrUpdate(eventId, 1, (_, n) => n + 1);
            var status = number <= receiver.FailuresPerEvent ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
            receiver.Deliveries.Enqueue(new Delivery(
                context.Request.Path.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                buffer.ToArray(),
                status,
                DateTimeOffset.UtcNow));
            context.Response.StatusCode = status;
        }));
        receiver.BaseUrl = new Uri(receiver._server.BaseAddress.ToString().TrimEnd('/') + "/");
        return receiver;
    }

    /// <summary>The deliveries of <paramref name="eventType"/> to <paramref name="path"/>, in arrival order.</summary>
    public IReadOnlyList<Delivery> Of(string path, string eventType) =>
        [.. Deliveries.Where(d => d.Path == path && d.Header(WebhookHeaders.EventType) == eventType)];

    /// <summary>Waits until a delivery of <paramref name="eventType"/> to <paramref name="path"/> was answered 200; returns all of that event's deliveries.</summary>
    public async Task<IReadOnlyList<Delivery>> WaitForAcceptedAsync(string path, string eventType, TimeSpan timeout)
    {
        await Poll.UntilAsync(() => Task.FromResult(Of(path, eventType).Any(d => d.Status == StatusCodes.Status200OK)), timeout,
            () => $"an accepted {eventType} at {path}; deliveries so far: " +
                string.Join(", ", Deliveries.Select(d => $"{d.Path} {d.Header(WebhookHeaders.EventType)} #{d.Header(WebhookHeaders.Attempt)} -> {d.Status}")));
        return Of(path, eventType);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    /// <summary>One request as received, and what it was answered.</summary>
    public sealed record Delivery(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Status, DateTimeOffset ReceivedAt)
    {
        public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
    }
}
