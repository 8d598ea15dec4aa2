using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pipeline.Api.Hosting;
using Pipeline.ServiceDefaults;

namespace Pipeline.Api.Tests;

/// <summary>
/// Readiness (<c>/healthz</c>) and liveness (<c>/alive</c>) as every host maps them (<see cref="ServiceDefaultsExtensions"/>),
/// on the real Api host: readiness fails while RabbitMQ or PostgreSQL cannot be reached, liveness does not. The shared
/// broker is never stopped: "unreachable" is a closed port, or a proxy to the broker that the test cuts.
/// </summary>
public sealed class HealthEndpointTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Readiness_ACheckDegraded_503WhileLivenessAnswers200()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.AddServiceDefaults();
        builder.Services.AddHealthChecks().AddCheck("half", () => HealthCheckResult.Degraded("some endpoints lost the broker"));
        await using var server = await LoopbackServer.StartAsync(builder, app => app.MapDefaultEndpoints());
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var readiness = await http.GetAsync(new Uri(ServiceDefaultsExtensions.ReadinessPath, UriKind.Relative));
        var liveness = await http.GetAsync(new Uri(ServiceDefaultsExtensions.LivenessPath, UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.StatusCode);
        Assert.Equal("Degraded", (await ReadChecksAsync(readiness))["half"]);
        Assert.Equal(HttpStatusCode.OK, liveness.StatusCode);
    }

    [Fact]
    public async Task Readiness_DatabaseOnAClosedPort_503NamingPostgresWhileLivenessAnswers200()
    {
        // The broker is the shared one when there is one (then only the database is down), else a closed port too.
        var settings = Settings(database: $"Host=127.0.0.1;Port={ClosedPort()};Username=pipeline;Password=pipeline;Database=pipeline;Timeout=3");
        await using var vhost = RabbitMqEnvironment.Url is null || RabbitMqEnvironment.ManagementUrl is null ? null : await BrokerVirtualHost.CreateAsync("health-db");
        if (vhost is null)
        {
            settings["Pipeline:RabbitMq:Port"] = ClosedPort().ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            (settings["Pipeline:RabbitMq:Host"], settings["Pipeline:RabbitMq:Port"], settings["Pipeline:RabbitMq:VirtualHost"]) =
                (BrokerVirtualHost.Endpoint.Host, BrokerVirtualHost.Endpoint.Port.ToString(CultureInfo.InvariantCulture), vhost.Name);
        }

        await using var api = await StartApiAsync(settings);

        var checks = await Poll.UntilAsync(async () => await ReadinessAsync(api) is { Status: HttpStatusCode.ServiceUnavailable } r
                && r.Checks.GetValueOrDefault("postgres") == "Unhealthy" && (vhost is null || r.Checks.GetValueOrDefault("work-queues") == "Healthy")
                ? r.Checks : null,
            Deadline, () => "503 with postgres Unhealthy (and, on a real broker, the work queues declared)");
        Assert.Equal(HttpStatusCode.OK, await LivenessAsync(api));
        Assert.Equal("Unhealthy", checks["postgres"]);
    }

    [Fact]
    public async Task Readiness_BrokerOnAClosedPort_503NamingTheBusWhileLivenessAnswers200()
    {
        // The database is the shared one when there is one (then only the broker is down), else a closed port too.
        var database = PostgresEnvironment.ConnectionString ?? $"Host=127.0.0.1;Port={ClosedPort()};Username=pipeline;Password=pipeline;Timeout=3";
        var settings = Settings(database);
        settings["Pipeline:RabbitMq:Host"] = "127.0.0.1";
        settings["Pipeline:RabbitMq:Port"] = ClosedPort().ToString(CultureInfo.InvariantCulture);
        await using var api = await StartApiAsync(settings);

        var readiness = await ReadinessAsync(api);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, readiness.Status);
        Assert.Equal(HttpStatusCode.OK, await LivenessAsync(api));
        Assert.Equal("Unhealthy", readiness.Checks["rabbitmq"]);
        Assert.Equal("Unhealthy", readiness.Checks["work-queues"]);
        if (PostgresEnvironment.ConnectionString is not null)
        {
            Assert.Equal("Healthy", await Poll.UntilAsync(async () => (await ReadinessAsync(api)).Checks.GetValueOrDefault("postgres") is "Healthy" and var s ? s : null,
                Deadline, () => "postgres Healthy"));
        }
    }

    [BrokerAndDatabaseFact]
    public async Task Readiness_BrokerConnectionCutAfterStart_503UntilItIsBack()
    {
        // What an operator saw: /healthz stayed 200 through a RabbitMQ outage (MassTransit's bus check judges receive
        // endpoints, and the Api has none). The outage here is a proxy the test cuts.
        await using var vhost = await BrokerVirtualHost.CreateAsync("health-cut");
        await using var proxy = new TcpProxy(BrokerVirtualHost.Endpoint.Host, BrokerVirtualHost.Endpoint.Port);
        var settings = Settings(PostgresEnvironment.Require());
        (settings["Pipeline:RabbitMq:Host"], settings["Pipeline:RabbitMq:Port"], settings["Pipeline:RabbitMq:VirtualHost"]) =
            ("127.0.0.1", proxy.Port.ToString(CultureInfo.InvariantCulture), vhost.Name);
        await using var api = await StartApiAsync(settings);
        await Poll.UntilAsync(async () => (await ReadinessAsync(api)).Status == HttpStatusCode.OK, "the Api ready before the outage", Deadline);

        proxy.Cut();
        Readiness? last = null;
        var during = await Poll.UntilAsync(async () => (last = await ReadinessAsync(api)) is { Status: HttpStatusCode.ServiceUnavailable } r ? r : null,
            Deadline, () => $"/healthz 503 while the broker is cut off; last answer: {last?.Status} {last?.Body}");
        var livenessDuring = await LivenessAsync(api);
        proxy.Restore();
        await Poll.UntilAsync(async () => (await ReadinessAsync(api)).Status == HttpStatusCode.OK, "the Api ready again once the broker is back", Deadline);

        Assert.Equal(HttpStatusCode.OK, livenessDuring);
        Assert.Equal("Unhealthy", during.Checks["rabbitmq"]);
        Assert.Equal("Healthy", during.Checks["postgres"]);
    }

    /// <summary>The Api's settings with <paramref name="database"/> as the job store, migrations off (readiness only reads), one key.</summary>
    private static Dictionary<string, string?> Settings(string database) => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Pipeline:Api:ApiKeys:0"] = "health-key",
        ["Pipeline:Storage:Jobs:ConnectionString"] = database,
        ["Pipeline:Storage:Jobs:MigrateOnStart"] = "false",
        ["Pipeline:Storage:Files:RootPath"] = Path.Join(Path.GetTempPath(), "pipeline-health-tests"),
    };

    private static Task<LoopbackServer> StartApiAsync(Dictionary<string, string?> settings) =>
        LoopbackServer.StartAsync(ApiApplication.CreateBuilder(["--environment", "Testing"], b => b.Configuration.AddInMemoryCollection(settings)), app =>
        {
            app.MapDefaultEndpoints();
            app.MapApiEndpoints();
        });

    private static async Task<Readiness> ReadinessAsync(LoopbackServer api)
    {
        using var http = new HttpClient { BaseAddress = api.BaseAddress };
        using var response = await http.GetAsync(new Uri(ServiceDefaultsExtensions.ReadinessPath, UriKind.Relative));
        return new Readiness(response.StatusCode, await ReadChecksAsync(response), await response.Content.ReadAsStringAsync());
    }

    private static async Task<HttpStatusCode> LivenessAsync(LoopbackServer api)
    {
        using var http = new HttpClient { BaseAddress = api.BaseAddress };
        using var response = await http.GetAsync(new Uri(ServiceDefaultsExtensions.LivenessPath, UriKind.Relative));
        return response.StatusCode;
    }

    /// <summary>Each check's status from the readiness JSON (<c>{ status, checks: { name: { status, … } } }</c>).</summary>
    private static async Task<Dictionary<string, string>> ReadChecksAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("checks").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetProperty("status").GetString()!);
    }

    /// <summary>A loopback port nothing listens on: bound by the OS, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One answer of the readiness endpoint: its status code and each check's status.</summary>
    private sealed record Readiness(HttpStatusCode Status, Dictionary<string, string> Checks, string Body);
}
