using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Pipeline.Api.Hosting;
using Pipeline.Worker.Hosting;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// One test's private pipeline on the shared services: its own RabbitMQ virtual host, PostgreSQL schema and storage
/// folder; the Api in-process on a loopback port; workers in-process or as processes. Disposing removes all of it.
/// </summary>
public sealed class TestPipeline : IAsyncDisposable
{
    /// <summary>The API key the in-process Api accepts.</summary>
    public const string ApiKey = "integration-test-key";

    private readonly List<WebApplication> _hosts = [];
    private readonly List<WorkerProcess> _processes = [];
    private readonly HttpClient _management;
    private WebApplication? _api;

    private TestPipeline(string id, ServiceEnvironment services)
    {
        Id = id;
        Services = services;
        // Without a management API (a drill's private node) the stack has the node to itself: its default vhost.
        VirtualHost = services.Management is null ? "/" : id;
        Schema = "it_" + id.Replace('-', '_');
        StorageRoot = Path.Combine(Path.GetTempPath(), "pipeline-it", id);
        Directory.CreateDirectory(StorageRoot);
        _management = new HttpClient { BaseAddress = services.Management ?? new Uri("http://127.0.0.1:9/") };
        _management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{services.RabbitUser}:{services.RabbitPassword}")));
    }

    public string Id { get; }
    public ServiceEnvironment Services { get; }
    public string VirtualHost { get; }
    public string Schema { get; }
    public string StorageRoot { get; }

    /// <summary>Applied to every host this stack builds in this process (Api, workers, Scheduler), after its configuration.</summary>
    public Action<WebApplicationBuilder>? ConfigureHosts { get; set; }

    /// <summary>The Api, with the test API key.</summary>
    public PipelineClient Client { get; private set; } = null!;

    /// <summary>Connection string the hosts use; tests may point it through a <see cref="TcpProxy"/>.</summary>
    public string PostgresConnectionString => Services.Postgres!;

    /// <summary>Creates the isolated broker vhost and folders and starts the Api (unless <paramref name="startApi"/> is false).</summary>
    public static async Task<TestPipeline> StartAsync(string name, bool startApi = true)
    {
        var services = ServiceEnvironment.Current;
        if (services.Missing is { } missing)
        {
            throw new InvalidOperationException($"services missing under CI=true: {missing}");
        }

        return await StartAsync(name, services, startApi);
    }

    /// <summary>The same on <paramref name="services"/> (a drill's private ones, <see cref="ServiceEnvironment.Private"/>).</summary>
    public static async Task<TestPipeline> StartAsync(string name, ServiceEnvironment services, bool startApi = true)
    {
        var stack = new TestPipeline($"{name}-{Guid.NewGuid().ToString("N")[..8]}", services);
        if (services.Management is not null)
        {
            await stack.CreateVirtualHostAsync();
        }

        if (startApi)
        {
            await stack.StartApiAsync();
        }

        return stack;
    }

    /// <summary>The configuration every host of this stack gets, with <paramref name="overrides"/> applied.</summary>
    public Dictionary<string, string?> Configuration(IReadOnlyDictionary<string, string?>? overrides = null, string? postgres = null)
    {
        var rabbit = Services.Rabbit!;
        var config = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Pipeline"] = "Warning",
            // Broker and database faults are what these tests cause: their retries would flood the output.
            ["Logging:LogLevel:MassTransit"] = "Critical",
            ["Logging:LogLevel:Polly"] = "Critical",
            ["Pipeline:RabbitMq:Host"] = rabbit.Host,
            ["Pipeline:RabbitMq:Port"] = (rabbit.IsDefaultPort ? 5672 : rabbit.Port).ToString(CultureInfo.InvariantCulture),
            ["Pipeline:RabbitMq:VirtualHost"] = VirtualHost,
            ["Pipeline:RabbitMq:Username"] = Services.RabbitUser,
            ["Pipeline:RabbitMq:Password"] = Services.RabbitPassword,
            ["Pipeline:Storage:Jobs:ConnectionString"] = postgres ?? PostgresConnectionString,
            ["Pipeline:Storage:Jobs:Schema"] = Schema,
            ["Pipeline:Storage:Files:RootPath"] = Path.Combine(StorageRoot, "store"),
            ["Pipeline:Storage:Resilience:BaseDelay"] = "00:00:00.100",
            ["Pipeline:Storage:Resilience:MaxDelay"] = "00:00:01",
            ["Pipeline:Api:ApiKeys:0"] = ApiKey,
            ["Pipeline:Models:SearchDirectories:0"] = RepoPaths.Fixtures,
            ["Pipeline:Models:DefaultPack"] = "tiny-test",
            ["Pipeline:Models:Provider"] = "Cpu",
            ["Pipeline:Models:IntraOpThreads"] = "1",
            ["Pipeline:Worker:Capacity"] = "8",
            ["Pipeline:Worker:ShutdownTimeout"] = "00:00:05",
            ["Pipeline:Worker:ProgressInterval"] = "00:00:00.250",
            ["Pipeline:Worker:BacklogPollInterval"] = "00:00:00.500",
            ["Pipeline:Worker:RetryLimit"] = "8",
            ["Pipeline:Worker:RetryMinInterval"] = "00:00:00.200",
            ["Pipeline:Worker:RetryMaxInterval"] = "00:00:05",
            ["Pipeline:Worker:RetryIntervalDelta"] = "00:00:00.500",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }

        return config;
    }

    /// <summary>Starts a worker host in this process.</summary>
    public async Task<WebApplication> StartWorkerAsync(IReadOnlyDictionary<string, string?>? overrides = null, string? postgres = null)
    {
        var worker = WorkerApplication.Build(HostArgs(), b =>
        {
            b.Configuration.AddInMemoryCollection(Configuration(overrides, postgres));
            ConfigureHosts?.Invoke(b);
        });
        await worker.StartAsync();
        _hosts.Add(worker);
        return worker;
    }

    /// <summary>Starts a worker host as a separate process.</summary>
    public async Task<WorkerProcess> StartWorkerProcessAsync(string name, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var process = await WorkerProcess.StartAsync(Configuration(overrides), StorageRoot, name);
        _processes.Add(process);
        return process;
    }

    /// <summary>Stops an in-process worker (the graceful path).</summary>
    public async Task StopWorkerAsync(WebApplication worker)
    {
        await worker.StopAsync();
        await worker.DisposeAsync();
        _hosts.Remove(worker);
    }

    /// <summary>Messages in a queue of this stack's vhost (ready + unacknowledged), from the management API.</summary>
    public async Task<int> QueueDepthAsync(string queue)
    {
        if (Services.Management is null)
        {
            // No management API: a passive declare's message count (ready only; enough for "drained").
            var factory = new RabbitMQ.Client.ConnectionFactory { Uri = Services.Rabbit!, VirtualHost = VirtualHost };
            await using var connection = await factory.CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            return (int)(await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }

        using var response = await _management.GetAsync(new Uri($"api/queues/{Uri.EscapeDataString(VirtualHost)}/{Uri.EscapeDataString(queue)}", UriKind.Relative));
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        var info = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return info.TryGetProperty("messages", out var messages) && messages.ValueKind == System.Text.Json.JsonValueKind.Number ? messages.GetInt32() : 0;
    }

    /// <summary>
    /// Stops and disposes <paramref name="app"/> within a bound: after a broker restart, MassTransit's bus stop has been
    /// seen to wait without end (a publish stuck in topology set-up ignores the host's shutdown token), which hung a whole
    /// test run. The test has asserted by then; a host left behind only costs this test process some memory.
    /// </summary>
    private static async Task StopBoundedAsync(WebApplication app, string what)
    {
        using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await app.StopAsync(shutdown.Token).WaitAsync(TimeSpan.FromSeconds(45));
            await app.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            await Console.Error.WriteLineAsync($"TestPipeline: {what} did not stop within 60 s; left behind");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        foreach (var host in Enumerable.Reverse(_hosts).ToList())
        {
            await StopBoundedAsync(host, "an in-process worker");
        }

        if (_api is not null)
        {
            await StopBoundedAsync(_api, "the Api");
        }

        Client?.Dispose();
        if (Services.Management is not null)
        {
            await _management.DeleteAsync(new Uri($"api/vhosts/{Uri.EscapeDataString(VirtualHost)}", UriKind.Relative));
        }

        _management.Dispose();
        await using (var connection = new NpgsqlConnection(PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        if (Environment.GetEnvironmentVariable("PIPELINE_IT_KEEP") is null)
        {
            try
            {
                Directory.Delete(StorageRoot, recursive: true);
            }
            catch (IOException)
            {
                // A worker process may still hold its log open for a moment; the temp folder is cleaned by the OS.
            }
        }
    }

    /// <summary>Starts the Api (once), with <paramref name="overrides"/> over the stack's configuration.</summary>
    public async Task StartApiAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        if (_api is not null)
        {
            throw new InvalidOperationException("the Api of this stack is already running");
        }

        _api = ApiApplication.Build(HostArgs(), b =>
        {
            b.Configuration.AddInMemoryCollection(Configuration(overrides));
            ConfigureHosts?.Invoke(b);
        });
        await _api.StartAsync();
        var address = new Uri(_api.Urls.First());
        Client = new PipelineClient(address, ApiKey);
        await Poll.UntilAsync(async () => (await Client.Http.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode,
            TimeSpan.FromSeconds(60), () => "the Api healthy (queues declared, database reachable)");
    }

    private string[] HostArgs() => ["--contentRoot", StorageRoot, "--urls", "http://127.0.0.1:0", "--environment", "Testing"];

    private async Task CreateVirtualHostAsync()
    {
        var vhost = Uri.EscapeDataString(VirtualHost);
        using var created = await _management.PutAsync(new Uri($"api/vhosts/{vhost}", UriKind.Relative), JsonContent.Create(new { }));
        created.EnsureSuccessStatusCode();
        using var granted = await _management.PutAsync(new Uri($"api/permissions/{vhost}/{Uri.EscapeDataString(Services.RabbitUser)}", UriKind.Relative),
            JsonContent.Create(new { configure = ".*", write = ".*", read = ".*" }));
        granted.EnsureSuccessStatusCode();
    }
}
