using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Client.Tests;

/// <summary>A stand-in API on 127.0.0.1 (OS-chosen port): <see cref="Handle"/> answers every request; each one is recorded.</summary>
internal sealed class StubApi : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    public ConcurrentQueue<StubRequest> Requests { get; } = new();

    public Func<HttpContext, int, Task> Handle { get; set; } = (context, _) =>
    {
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    };

    public Uri BaseAddress => _server.BaseAddress;

    public static async Task<StubApi> StartAsync()
    {
        var stub = new StubApi();
        stub._server = await LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            stub.Requests.Enqueue(new StubRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers["X-Api-Key"].ToString(), body));
            await stub.Handle(context, stub.Requests.Count);
        }));
        return stub;
    }

    /// <summary>A client wired exactly as hosts wire it, with fast retries.</summary>
    public ServiceProvider CreateClientServices(int maxRetries = 3)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddPipelineClient(o =>
        {
            o.BaseAddress = BaseAddress;
            o.ApiKey = "test-key";
            o.MaxRetryAttempts = maxRetries;
            o.BaseDelay = TimeSpan.FromMilliseconds(5);
            o.MaxDelay = TimeSpan.FromMilliseconds(50);
        });
        return services.BuildServiceProvider();
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

internal sealed record StubRequest(string Method, string PathAndQuery, string ApiKey, string Body);
