namespace Pipeline.IntegrationTests.Drills;

/// <summary>
/// A PostgreSQL cluster of the drill's own (initdb into a temp folder, its own port and socket folder, trust
/// authentication on loopback), so stopping it disturbs nobody else's database. Runs as the <c>postgres</c> user.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _root;
    private readonly string _bin;

    private PrivatePostgres(string root, string bin, int port) => (_root, _bin, Port) = (root, bin, port);

    public int Port { get; }

    private string Data => Path.Combine(_root, "data");

    /// <summary>Npgsql connection string of its <c>postgres</c> database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=5;Command Timeout=30";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "pg_ctl"))).OrderDescending().FirstOrDefault()
            ?? throw new InvalidOperationException("no PostgreSQL server under /usr/lib/postgresql (install postgresql-15)");
        var root = Path.Combine(Path.GetTempPath(), "pipeline-drill-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        await ChildProcess.ChownAsync("postgres", root);
        var cluster = new PrivatePostgres(root, bin, ChildProcess.FreePort());
        await cluster.AsPostgresAsync("initdb", "-D", cluster.Data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        await cluster.StartServerAsync();
        return cluster;
    }

    /// <summary>Starts the server (again) and waits until it accepts connections.</summary>
    public Task StartServerAsync() => AsPostgresAsync("pg_ctl", "-D", Data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60",
        "-o", $"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c max_connections=200", "start");

    /// <summary>Stops the server (fast shutdown: open connections are closed, transactions rolled back).</summary>
    public Task StopServerAsync() => AsPostgresAsync("pg_ctl", "-D", Data, "-m", "fast", "-w", "-t", "60", "stop");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsPostgresAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "-t", "60", "stop");
        }
        catch (InvalidOperationException)
        {
            // Not running.
        }

        Directory.Delete(_root, recursive: true);
    }

    private Task<string> AsPostgresAsync(string tool, params string[] arguments) =>
        ChildProcess.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments], TimeSpan.FromMinutes(2));
}
