using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Pipeline.ServiceDefaults;

/// <summary>Where a host listens when nobody said: loopback only, so a host started on a workstation is not on the network.</summary>
public static class LoopbackDefaultAddress
{
    /// <summary>
    /// Listens on <c>http://127.0.0.1:<paramref name="port"/></c> unless an address is configured in any of the usual
    /// ways: <c>urls</c> (<c>ASPNETCORE_URLS</c>, <c>--urls</c>, <c>Urls</c> in appsettings), <c>http_ports</c> /
    /// <c>https_ports</c> (<c>ASPNETCORE_HTTP_PORTS</c>, which the .NET container images set) or <c>Kestrel:Endpoints</c>.
    /// Container images set <c>ASPNETCORE_URLS=http://+:PORT</c> themselves.
    /// </summary>
    public static WebApplicationBuilder UseLoopbackUnlessConfigured(this WebApplicationBuilder builder, int port)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var configured = !string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey])
            || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpPortsKey])
            || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey])
            || configuration.GetSection("Kestrel:Endpoints").Exists();
        if (!configured)
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        return builder;
    }
}
