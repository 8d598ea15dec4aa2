using System.Net;
using System.Net.Sockets;

namespace Pipeline.Webhooks;

/// <summary>
/// Keeps webhook connections to public addresses (unless <see cref="WebhookOptions.AllowPrivateNetworks"/>).
/// The check runs in the handler's connect callback, on the addresses the socket will actually use, so a host
/// name that resolves to an internal address (or changes to one between checks) is refused all the same.
/// </summary>
internal static class NetworkGuard
{
    /// <summary>True for loopback, private (RFC 1918, RFC 4193), link-local, carrier-grade NAT, unspecified and multicast addresses.</summary>
    public static bool IsNonPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 0 || b[0] == 10 || b[0] >= 224
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
        }

        var bytes = address.GetAddressBytes();
        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (bytes[0] & 0xFE) == 0xFC;
    }

    /// <summary>A connect callback for <see cref="SocketsHttpHandler.ConnectCallback"/> that refuses non-public addresses.</summary>
    public static async ValueTask<Stream> ConnectPublicOnlyAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => !IsNonPublic(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new WebhookAddressRejectedException(
                $"webhook host '{host}' resolves only to non-public addresses; set Pipeline:Webhooks:AllowPrivateNetworks to allow them");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
