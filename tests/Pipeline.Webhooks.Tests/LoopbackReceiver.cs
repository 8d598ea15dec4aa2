using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Webhooks.Tests;

/// <summary>A real HTTP receiver on 127.0.0.1 with an OS-chosen port, recording each request; <see cref="Respond"/> decides the answer.</summary>
internal sealed class LoopbackReceiver : IAsyncDisposable
{
    private LoopbackServer _server = null!;
    private int _count;

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Given the 1-based request number, the status to answer (after awaiting as long as it likes).</summary>
    public Func<int, Task<int>> Respond { get; set; } = _ => Task.FromResult(200);

    public Uri Url { get; private set; } = null!;

    public static async Task<LoopbackReceiver> StartAsync()
    {
        var receiver = new LoopbackReceiver();
        receiver._server = await LoopbackServer.StartAsync(app => app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var number = Interlocked.Increment(ref receiver._count);
            receiver.Requests.Enqueue(new ReceivedRequest(
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                buffer.ToArray()));
            context.Response.StatusCode = await receiver.Respond(number);
        }));
        receiver.Url = new Uri(receiver._server.BaseAddress, "/hook");
        return receiver;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

internal sealed record ReceivedRequest(IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}
