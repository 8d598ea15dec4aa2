using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Pipeline.Api.Hosting;

/// <summary>
/// Sends a request on to the Scheduler (<see cref="ApiOptions.SchedulerUrl"/>) as it came — method, path, query, headers
/// (<c>X-Api-Key</c> included), body — and its answer back as given (YARP direct forwarding). One HTTP client for the
/// host's lifetime, set up as YARP's own <c>MapForwarder</c> sets up its client: no proxy, no redirects, no decompression,
/// no cookies.
/// </summary>
internal sealed class SchedulerForwarder(IHttpForwarder forwarder, IOptions<ApiOptions> options) : IDisposable
{
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        ConnectTimeout = TimeSpan.FromSeconds(15),
    });

    /// <summary>Forwards <paramref name="context"/>'s request; a Scheduler that cannot be reached answers 502.</summary>
    public async Task ForwardAsync(HttpContext context)
    {
        // The request path (/v1/schedules/...) is appended to the prefix: the Scheduler's base URL, any path prefix kept.
        var prefix = options.Value.SchedulerUrl?.ToString().TrimEnd('/')
            ?? throw new InvalidOperationException("Pipeline:Api:SchedulerUrl is not set; schedules are not forwarded");
        await forwarder.SendAsync(context, prefix, _client, ForwarderRequestConfig.Empty, HttpTransformer.Default).ConfigureAwait(false);
    }

    public void Dispose() => _client.Dispose();
}
