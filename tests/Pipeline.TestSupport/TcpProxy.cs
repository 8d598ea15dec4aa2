using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.TestSupport;

/// <summary>
/// A TCP forwarder on 127.0.0.1 to a real service, which a test can cut and restore: an outage of that service as its
/// clients see it (connections reset, new ones refused), without stopping the service others share. The port stays the
/// same across <see cref="Cut"/> and <see cref="Resume"/>, so clients reconnect to where they were.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private TcpListener _listener;
    private CancellationTokenSource _accepting = new();

    private TcpProxy(string targetHost, int targetPort)
    {
        (_targetHost, _targetPort) = (targetHost, targetPort);
        _listener = Listen(0);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptAsync(_listener, _accepting.Token);
    }

    /// <summary>The port clients connect to (on 127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>Starts forwarding 127.0.0.1:<see cref="Port"/> to <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    public static TcpProxy Start(string targetHost, int targetPort) => new(targetHost, targetPort);

    /// <summary>Stops accepting and resets every open connection: the service is gone as far as its clients know.</summary>
    public void Cut()
    {
        _accepting.Cancel();
        _accepting.Dispose();
        _listener.Stop();
        foreach (var connection in _connections.Keys)
        {
            // Close(0): a reset, as when the service's host goes away, not an orderly close.
            connection.Client?.Close(0);
            connection.Dispose();
        }

        _connections.Clear();
    }

    /// <summary>Accepts connections on the same port again.</summary>
    public void Resume()
    {
        _accepting = new CancellationTokenSource();
        _listener = Listen(Port);
        _ = AcceptAsync(_listener, _accepting.Token);
    }

    public ValueTask DisposeAsync()
    {
        if (!_accepting.IsCancellationRequested)
        {
            Cut();
        }

        return ValueTask.CompletedTask;
    }

    private static TcpListener Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        return listener;
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ForwardAsync(client, stop);
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken stop)
    {
        var upstream = new TcpClient();
        _connections[client] = 0;
        _connections[upstream] = 0;
        try
        {
            await upstream.ConnectAsync(_targetHost, _targetPort, stop).ConfigureAwait(false);
            var down = client.GetStream();
            var up = upstream.GetStream();
            // Either direction ending (or a Cut) ends both.
            await Task.WhenAny(down.CopyToAsync(up, stop), up.CopyToAsync(down, stop)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The connection ends: a cut, or one side closed.
        }
        finally
        {
            _connections.TryRemove(client, out _);
            _connections.TryRemove(upstream, out _);
            client.Dispose();
            upstream.Dispose();
        }
    }
}
