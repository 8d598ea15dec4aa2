using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.Client.Tests;

/// <summary>A stand-in API on 127.0.0.1 (OS-chosen port): <see cref="Handle"/> answers every request; each one is recorded.</summary>
internal sealed class StubApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubApi(WebApplication app) => _app = app;

    public ConcurrentQueue<StubRequest> Requests { get; } = new();

    public Func<HttpContext, int, Task> Handle { get; set; } = (context, _) =>
    {
        context.Response.StatusCode = 404;
        return Task.CompletedTask;
    };

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<StubApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new StubApi(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            stub.Requests.Enqueue(new StubRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers["X-Api-Key"].ToString(), body));
            await stub.Handle(context, stub.Requests.Count);
        });
        await app.StartAsync();
        stub.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record StubRequest(string Method, string PathAndQuery, string ApiKey, string Body);
