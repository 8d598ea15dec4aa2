using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Pipeline.Scheduler.Hosting;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The real Scheduler host (Hangfire on PostgreSQL, MassTransit on RabbitMQ, the schedule endpoints) in this process, on a
/// loopback port, sharing a <see cref="TestPipeline"/>'s broker vhost, job-store schema and file store. Hangfire gets a
/// schema of its own (<c>&lt;stack schema&gt;_hf</c>), dropped on dispose; the scheduler's tables live in the stack's schema.
/// </summary>
public sealed class SchedulerHost : IAsyncDisposable
{
    /// <summary>The API key the host accepts in <c>X-Api-Key</c>.</summary>
    public const string ApiKey = "integration-scheduler-key";

    private readonly WebApplication _app;
    private readonly TestPipeline _stack;

    private SchedulerHost(WebApplication app, TestPipeline stack, string hangfireSchema)
    {
        _app = app;
        _stack = stack;
        HangfireSchema = hangfireSchema;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    /// <summary>The schedule endpoints, authenticated.</summary>
    public HttpClient Http { get; }

    /// <summary>Where schedule sources are read from.</summary>
    public string SourceRoot => Path.Combine(_stack.StorageRoot, "sources");

    /// <summary>Where datasets are written.</summary>
    public string OutputRoot => Path.Combine(_stack.StorageRoot, "datasets");

    public string HangfireSchema { get; }

    /// <summary>The host's services (its job store, schedule store, …).</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<SchedulerHost> StartAsync(TestPipeline stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var hangfireSchema = stack.Schema + "_hf";
        var settings = stack.Configuration(new Dictionary<string, string?>
        {
            ["Pipeline:Scheduler:SourceRoot"] = Path.Combine(stack.StorageRoot, "sources"),
            ["Pipeline:Scheduler:OutputRoot"] = Path.Combine(stack.StorageRoot, "datasets"),
            ["Pipeline:Scheduler:ApiKeys:0"] = ApiKey,
            ["Pipeline:Scheduler:HangfireSchema"] = hangfireSchema,
            ["Logging:LogLevel:Hangfire"] = "Warning",
        });
        Directory.CreateDirectory(Path.Combine(stack.StorageRoot, "sources"));
        var app = SchedulerApplication.Build(["--contentRoot", stack.StorageRoot, "--urls", "http://127.0.0.1:0", "--environment", "Testing"],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                stack.ConfigureHosts?.Invoke(builder);
            });
        await app.StartAsync();
        return new SchedulerHost(app, stack, hangfireSchema);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await using var connection = new NpgsqlConnection(_stack.PostgresConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{HangfireSchema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
