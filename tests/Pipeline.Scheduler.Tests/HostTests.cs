using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Scheduler.Hosting;

namespace Pipeline.Scheduler.Tests;

/// <summary>
/// The real host on loopback: Hangfire on PostgreSQL, the schedule endpoints and the dashboard behind
/// authentication. The bus points at RabbitMQ when one is configured; nothing here needs it to be up.
/// </summary>
public sealed class HostTests
{
    private const string Key = "host-test-key";

    [PostgresFact]
    public async Task Endpoints_WithoutKey_401AskingForBasic()
    {
        await using var host = await SchedulerHost.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = host.Address };

        var list = await anonymous.GetAsync(new Uri("v1/schedules", UriKind.Relative));
        var dashboard = await anonymous.GetAsync(new Uri("hangfire", UriKind.Relative));
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "wrong");
        var wrongKey = await anonymous.GetAsync(new Uri("v1/schedules", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        Assert.StartsWith("Basic", list.Headers.WwwAuthenticate.Single().Scheme, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
    }

    [PostgresFact]
    public async Task Dashboard_BasicAuthWithApiKey_Served()
    {
        await using var host = await SchedulerHost.StartAsync();
        using var browser = new HttpClient { BaseAddress = host.Address };
        browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{Key}")));

        var dashboard = await browser.GetAsync(new Uri("hangfire", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Hangfire", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Schedules_CreateListRunNowDelete_RegistersHangfireRecurringJob()
    {
        await using var host = await SchedulerHost.StartAsync();
        using var client = new HttpClient { BaseAddress = host.Address };
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        var schedule = PlannerTests.Schedule("nightly");

        var invalid = await client.PutAsJsonAsync("v1/schedules/nightly", schedule with { Cron = "nightly" }, ContractJson.Options);
        var created = await client.PutAsJsonAsync("v1/schedules/nightly", schedule, ContractJson.Options);
        var replaced = await client.PutAsJsonAsync("v1/schedules/nightly", schedule with { Steps = 16 }, ContractJson.Options);
        var conflict = await client.PostAsJsonAsync("v1/schedules", schedule, ContractJson.Options);
        var list = await client.GetFromJsonAsync<JsonElement>("v1/schedules");
        var run = await client.PostAsync(new Uri("v1/schedules/nightly/run", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("cron", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(16, list.EnumerateArray().Single().GetProperty("steps").GetInt32());
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        var runBody = await run.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith("aug-nightly-", runBody.GetProperty("batchId").GetString(), StringComparison.Ordinal);
        Assert.Contains("augment:nightly", host.RecurringJobIds());

        var deleted = await client.DeleteAsync(new Uri("v1/schedules/nightly", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.DoesNotContain("augment:nightly", host.RecurringJobIds());
        Assert.Contains("augment-reconcile", host.RecurringJobIds());
    }

    private sealed class SchedulerHost : IAsyncDisposable
    {
        private readonly LoopbackServer _server;
        private readonly string _schema;
        private readonly string _root;

        private SchedulerHost(LoopbackServer server, string schema, string root) => (_server, _schema, _root) = (server, schema, root);

        public Uri Address => _server.BaseAddress;

        public static async Task<SchedulerHost> StartAsync()
        {
            var schema = TestSchemas.NewName();
            var root = Directory.CreateTempSubdirectory("pipeline-scheduler-host-").FullName;
            var builder = WebApplication.CreateBuilder();
            var settings = new Dictionary<string, string?>
            {
                ["Pipeline:Storage:Jobs:ConnectionString"] = PostgresEnvironment.Require(),
                ["Pipeline:Storage:Jobs:Schema"] = schema,
                ["Pipeline:Storage:Files:RootPath"] = Path.Join(root, "store"),
                ["Pipeline:Scheduler:SourceRoot"] = Path.Join(root, "sources"),
                ["Pipeline:Scheduler:OutputRoot"] = Path.Join(root, "datasets"),
                ["Pipeline:Scheduler:HangfireSchema"] = schema + "_hf",
                ["Pipeline:Scheduler:ApiKeys:0"] = Key,
            };
            if (Environment.GetEnvironmentVariable("RABBITMQ_URL") is { Length: > 0 } rabbit && Uri.TryCreate(rabbit, UriKind.Absolute, out var url))
            {
                settings["Pipeline:RabbitMq:Host"] = url.Host;
                settings["Pipeline:RabbitMq:Port"] = url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            builder.Configuration.AddInMemoryCollection(settings);
            builder.AddSchedulerServices();
            var server = await LoopbackServer.StartAsync(builder, app => app.MapSchedulerEndpoints());
            return new SchedulerHost(server, schema, root);
        }

        public List<string> RecurringJobIds()
        {
            using var connection = _server.Services.GetRequiredService<JobStorage>().GetConnection();
            return connection.GetRecurringJobs().Select(j => j.Id).ToList();
        }

        public async ValueTask DisposeAsync()
        {
            await _server.DisposeAsync();
            await TestSchemas.DropAsync(_schema);
            await TestSchemas.DropAsync(_schema + "_hf");
            Directory.Delete(_root, recursive: true);
        }
    }
}
