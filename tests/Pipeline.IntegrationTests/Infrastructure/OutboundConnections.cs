using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Records every outgoing connection this process starts, from .NET's own networking events: each socket connect
/// (<c>System.Net.Sockets</c> ConnectStart, the remote address), each name lookup (<c>System.Net.NameResolution</c>) and
/// each HTTP request (<c>System.Net.Http</c>). Hosts run in-process in these tests, so what they reach is here, whatever
/// library opens the socket (Npgsql, RabbitMQ.Client, an HttpClient inside a dependency).
/// </summary>
public sealed partial class OutboundConnections : EventListener
{
    private readonly ConcurrentQueue<Contact> _contacts = new();

    /// <summary>What was reached: a connect to an address and port, a name looked up, or an HTTP request's host.</summary>
    /// <param name="Kind"><c>connect</c>, <c>resolve</c> or <c>http</c>.</param>
    /// <param name="Target">The address:port, the name, or scheme://host:port/path.</param>
    /// <param name="Host">The address or name to judge.</param>
    public sealed record Contact(string Kind, string Target, string Host);

    /// <summary>Everything recorded so far.</summary>
    public IReadOnlyCollection<Contact> Contacts => _contacts;

    /// <summary>
    /// The contacts with a host that is neither loopback (an address in 127.0.0.0/8 or ::1, or <c>localhost</c>) nor one
    /// of <paramref name="configured"/> (host names or addresses). A connect whose address could not be read counts too,
    /// so a change in the event's format fails the check instead of hiding contacts.
    /// </summary>
    public IReadOnlyList<Contact> Outside(IReadOnlyCollection<string> configured)
    {
        ArgumentNullException.ThrowIfNull(configured);
        return _contacts.Where(c => !IsLocal(c.Host) && !configured.Contains(c.Host, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        ArgumentNullException.ThrowIfNull(eventSource);
        if (eventSource.Name is "System.Net.Sockets" or "System.Net.NameResolution" or "System.Net.Http")
        {
            EnableEvents(eventSource, EventLevel.Informational);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        var payload = eventData.Payload;
        switch (eventData.EventName)
        {
            case "ConnectStart" when payload is [string address, ..]:
                _contacts.Enqueue(Connect(address));
                break;
            case "ResolutionStart" when payload is [string name, ..]:
                _contacts.Enqueue(new Contact("resolve", name, name));
                break;
            case "RequestStart" when payload is [string scheme, string host, int port, string path, ..]:
                _contacts.Enqueue(new Contact("http", string.Create(CultureInfo.InvariantCulture, $"{scheme}://{host}:{port}{path}"), host));
                break;
        }
    }

    private static bool IsLocal(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || host == "unix"
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    // The event carries SocketAddress.ToString(): "InterNetwork:16:{p,p,a,b,c,d,...}" or "InterNetworkV6:28:{p,p,f,f,f,f,a0..a15,s,s,s,s}".
    private static Contact Connect(string text)
    {
        var match = SocketAddressPattern().Match(text);
        if (!match.Success)
        {
            return new Contact("connect", text, text.StartsWith("Unix:", StringComparison.Ordinal) ? "unix" : text);
        }

        var bytes = match.Groups["bytes"].Value.Split(',').Select(b => byte.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        var port = (bytes[0] << 8) | bytes[1];
        var address = match.Groups["family"].Value == "InterNetwork" ? new IPAddress(bytes[2..6]) : new IPAddress(bytes[6..22]);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return new Contact("connect", new IPEndPoint(address, port).ToString(), address.ToString());
    }

    [GeneratedRegex(@"\A(?<family>InterNetwork|InterNetworkV6):\d+:\{(?<bytes>\d+(,\d+)*)\}\z")]
    private static partial Regex SocketAddressPattern();
}
