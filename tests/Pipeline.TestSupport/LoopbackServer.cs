using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pipeline.TestSupport;

/// <summary>
/// The plumbing under the test projects' stand-in HTTP servers: a Kestrel app on 127.0.0.1 with an OS-chosen port and
/// no logging, started once the caller has mapped its endpoints, stopped and disposed together. What it answers is
/// the caller's.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri baseAddress) => (_app, BaseAddress) = (app, baseAddress);

    /// <summary>The address Kestrel bound, such as http://127.0.0.1:41234.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The app's services, for tests that look inside the host they started.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a slim app whose requests <paramref name="map"/> routes.</summary>
    public static Task<LoopbackServer> StartAsync(Action<WebApplication> map) => StartAsync(WebApplication.CreateSlimBuilder(), map);

    /// <summary>Starts the app <paramref name="builder"/> builds (its services already registered), with the endpoints <paramref name="map"/> adds.</summary>
    public static async Task<LoopbackServer> StartAsync(WebApplicationBuilder builder, Action<WebApplication> map)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(map);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new LoopbackServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
