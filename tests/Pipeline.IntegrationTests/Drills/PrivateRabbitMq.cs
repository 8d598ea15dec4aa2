using System.Diagnostics;

namespace Pipeline.IntegrationTests.Drills;

/// <summary>
/// A RabbitMQ node of the drill's own: its own node name, AMQP and distribution ports, database and log folders, no
/// plugins (so no management listener to clash with the shared node's), run in the foreground as a child process under the
/// <c>rabbitmq</c> user (whose Erlang cookie <c>rabbitmqctl</c> needs). Restarting it disturbs nobody else's broker.
/// </summary>
internal sealed class PrivateRabbitMq : IAsyncDisposable
{
    private const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string Ctl = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    private readonly string _root;
    private readonly int _distPort;
    private Process? _server;

    private PrivateRabbitMq(string root, int port, int distPort)
    {
        (_root, Port, _distPort) = (root, port, distPort);
        NodeName = $"drill-{Path.GetFileName(root)[^8..]}@localhost";
    }

    public int Port { get; }

    public string NodeName { get; }

    /// <summary>The default user on loopback, the default vhost.</summary>
    public Uri Uri => new($"amqp://guest:guest@127.0.0.1:{Port}/");

    private string PidFile => Path.Combine(_root, "node.pid");

    public static async Task<PrivateRabbitMq> StartAsync()
    {
        if (!File.Exists(Server))
        {
            throw new InvalidOperationException($"no RabbitMQ server at {Server} (install rabbitmq-server)");
        }

        var root = Path.Combine(Path.GetTempPath(), "pipeline-drill-rabbitmq-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(root, "mnesia"));
        Directory.CreateDirectory(Path.Combine(root, "log"));
        await File.WriteAllTextAsync(Path.Combine(root, "enabled_plugins"), "[].");
        await ChildProcess.ChownAsync("rabbitmq", root);
        var node = new PrivateRabbitMq(root, ChildProcess.FreePort(), ChildProcess.FreePort());
        await node.StartNodeAsync();
        return node;
    }

    /// <summary>Starts the node (again, on the same database: durable queues and persistent messages come back) and waits until it runs.</summary>
    public async Task StartNodeAsync()
    {
        var start = new ProcessStartInfo("runuser") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-u", "rabbitmq", "--", "env", .. Environment().Select(e => $"{e.Key}={e.Value}"), Server])
        {
            start.ArgumentList.Add(argument);
        }

        var log = Path.Combine(_root, "server.out");
        _server = Process.Start(start) ?? throw new InvalidOperationException("rabbitmq-server did not start");
        _server.OutputDataReceived += (_, e) => Append(log, e.Data);
        _server.ErrorDataReceived += (_, e) => Append(log, e.Data);
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        await CtlAsync("wait", PidFile, "--timeout", "120");
    }

    /// <summary>Stops the whole node (not just the app): every connection drops, as when a broker host restarts.</summary>
    public async Task StopNodeAsync()
    {
        await CtlAsync("stop", PidFile);
        if (_server is { } server)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await server.WaitForExitAsync(cts.Token);
            server.Dispose();
            _server = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_server is not null)
            {
                await StopNodeAsync();
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or OperationCanceledException)
        {
            _server?.Kill(entireProcessTree: true);
        }

        Directory.Delete(_root, recursive: true);
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["HOME"] = "/var/lib/rabbitmq",
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RABBITMQ_DIST_PORT"] = _distPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(_root, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(_root, "log"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_root, "enabled_plugins"),
        ["RABBITMQ_PID_FILE"] = PidFile,
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_root, "rabbitmq"),
    };

    private Task<string> CtlAsync(params string[] arguments) =>
        ChildProcess.RunAsync("runuser", ["-u", "rabbitmq", "--", "env", "HOME=/var/lib/rabbitmq", Ctl, "-n", NodeName, .. arguments], TimeSpan.FromMinutes(3));

    private static void Append(string path, string? line)
    {
        if (line is not null)
        {
            lock (typeof(PrivateRabbitMq))
            {
                File.AppendAllText(path, line + "\n");
            }
        }
    }
}
