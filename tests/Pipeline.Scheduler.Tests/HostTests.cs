using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.Scheduler.Hosting;
using Pipeline.Scheduler.Runs;
using Pipeline.ServiceDefaults.Tenancy;

namespace Pipeline.Scheduler.Tests;

/// <summary>
/// The real host on loopback: Hangfire on PostgreSQL, the schedule endpoints and the dashboard behind
/// authentication. The bus points at RabbitMQ when one is configured; nothing here needs it to be up, and runs send
/// their batches to a recorder. Time is a <see cref="FakeTimeProvider"/> (it drives the trigger sync).
/// </summary>
public sealed class HostTests
{
    private const string Key = "host-test-key";
    private const string AdminKey = "host-admin-key";
    private const string AcmeKey = "pk_host-acme";
    private const string GlobexKey = "pk_host-globex";

    [PostgresFact]
    public async Task Schedules_ScopedToTheirTenant_OthersGet404_AdminSeesAll_RunsAreTheTenants()
    {
        await using var host = await SchedulerHost.StartAsync();
        host.AddSourceImages("emoji", 2);
        using var acme = host.Client(AcmeKey);
        using var globex = host.Client(GlobexKey);
        using var admin = host.Client(AdminKey);
        var schedule = PlannerTests.Schedule("acme-nightly");

        Assert.Equal(HttpStatusCode.Created, (await acme.PostAsJsonAsync("v1/schedules", schedule, ContractJson.Options)).StatusCode);

        // Another tenant: not listed, 404 on every item route, and the id cannot be taken over (409, as for any taken id).
        Assert.Empty((await globex.GetFromJsonAsync<JsonElement>("v1/schedules")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync(new Uri("v1/schedules/acme-nightly", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync(new Uri("v1/schedules/acme-nightly/runs", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.PostAsync(new Uri("v1/schedules/acme-nightly/run", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await globex.DeleteAsync(new Uri("v1/schedules/acme-nightly", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await globex.PutAsJsonAsync("v1/schedules/acme-nightly", schedule with { Steps = 2 }, ContractJson.Options)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await globex.PostAsJsonAsync("v1/schedules", schedule, ContractJson.Options)).StatusCode);

        // Its own tenant and the operator see it, unchanged; its runs submit the tenant's batch.
        Assert.Equal(schedule.Steps, (await acme.GetFromJsonAsync<JsonElement>("v1/schedules/acme-nightly")).GetProperty("steps").GetInt32());
        Assert.Single((await admin.GetFromJsonAsync<JsonElement>("v1/schedules")).EnumerateArray());
        using var run = await acme.PostAsync(new Uri("v1/schedules/acme-nightly/run", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        Assert.StartsWith("acme..aug-acme-nightly-", (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("batchId").GetString(),
            StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri("v1/schedules/acme-nightly", UriKind.Relative))).StatusCode);
    }

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
        host.AddSourceImages("emoji", 2);
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

    [PostgresFact]
    public async Task OpenApi_Anonymous_DescribesEveryScheduleOperation()
    {
        await using var host = await SchedulerHost.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = host.Address };

        var document = await anonymous.GetFromJsonAsync<JsonElement>("openapi/v1.json");

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Value.TryGetProperty("operationId", out _)).Select(o => o.Value.GetProperty("operationId").GetString()));
        Assert.Equal(["CreateSchedule", "DeleteSchedule", "GetSchedule", "ListScheduleRuns", "ListSchedules", "ReplaceSchedule", "RunSchedule"],
            operations.Order(StringComparer.Ordinal));
    }

    [PostgresFact]
    public async Task Create_SourceFolderMissing_422NamingTheFolder_NothingStored()
    {
        await using var host = await SchedulerHost.StartAsync();
        using var client = host.Client(Key);

        using var created = await client.PostAsJsonAsync("v1/schedules", PlannerTests.Schedule("nightly"), ContractJson.Options);
        using var fetched = await client.GetAsync(new Uri("v1/schedules/nightly", UriKind.Relative));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, created.StatusCode);
        var problem = (await created.Content.ReadFromJsonAsync<JsonElement>());
        Assert.Equal("source folder 'emoji' does not exist under the source root", problem.GetProperty("errors")[0].GetString());
        Assert.Equal(HttpStatusCode.NotFound, fetched.StatusCode);
        Assert.DoesNotContain("augment:nightly", host.RecurringJobIds());
    }

    [PostgresFact]
    public async Task Replace_CronMinuteOutOfRange_400NamingTheField()
    {
        await using var host = await SchedulerHost.StartAsync();
        host.AddSourceImages("emoji", 1);
        using var client = host.Client(Key);

        using var response = await client.PutAsJsonAsync("v1/schedules/nightly", PlannerTests.Schedule("nightly") with { Cron = "61 * * * *" }, ContractJson.Options);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["cron '61 * * * *': minute field: 61 is out of range 0-59"], problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
    }

    [PostgresFact]
    public async Task RunNow_FiveParallelCalls_First202WithTheBatch_Rest200WithTheSameBatch()
    {
        await using var host = await SchedulerHost.StartAsync();
        host.AddSourceImages("emoji", 1);
        using var client = host.Client(Key);
        (await client.PutAsJsonAsync("v1/schedules/nightly", PlannerTests.Schedule("nightly") with { Enabled = false }, ContractJson.Options)).EnsureSuccessStatusCode();

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.PostAsync(new Uri("v1/schedules/nightly/run", UriKind.Relative), null)));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<JsonElement>()));

        Assert.Equal([HttpStatusCode.Accepted], responses.Select(r => r.StatusCode).Where(c => c != HttpStatusCode.OK));
        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Single(bodies.Select(b => b.GetProperty("batchId").GetString()).Distinct());
        Assert.Single(bodies, b => b.TryGetProperty("queuedJobId", out _));
        Assert.All(responses, r => r.Dispose());
    }

    [PostgresFact]
    public async Task RunNow_SourceGoneSinceCreation_RunsListsTheFailedRunWithTheReason()
    {
        await using var host = await SchedulerHost.StartAsync();
        host.AddSourceImages("emoji", 1);
        using var client = host.Client(Key);
        (await client.PutAsJsonAsync("v1/schedules/nightly", PlannerTests.Schedule("nightly") with { Enabled = false }, ContractJson.Options)).EnsureSuccessStatusCode();
        Directory.Delete(Path.Join(host.SourceRoot, "emoji"), recursive: true);

        using var run = await client.PostAsync(new Uri("v1/schedules/nightly/run", UriKind.Relative), null);
        var period = (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("periodStart").GetDateTimeOffset();
        // What the queued Hangfire job does, here without waiting for Hangfire's queue poll.
        await host.Services.GetRequiredService<AugmentationRunner>().TriggerAsync("nightly", period);
        var runs = await client.GetFromJsonAsync<JsonElement>("v1/schedules/nightly/runs");

        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        var listed = Assert.Single(runs.EnumerateArray());
        Assert.Equal("failed", listed.GetProperty("status").GetString());
        Assert.Equal("source folder 'emoji' does not exist under the source root", listed.GetProperty("error").GetString());
        Assert.Equal(0, listed.GetProperty("jobs").GetInt32());
        Assert.Empty(host.Sent);
    }

    [PostgresFact]
    public async Task Dashboard_CrossSitePostWithoutToken_403AndNothingRemoved()
    {
        await using var host = await SchedulerHost.StartAsync();
        await host.CreateScheduleAsync("nightly");
        using var browser = host.Browser(AdminKey);

        // What a page on another site can make a signed-in browser send: the credentials, but no token from the dashboard.
        using var request = new HttpRequestMessage(HttpMethod.Post, "hangfire/recurring/remove")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "augment:nightly")]),
        };
        request.Headers.Add("Origin", "http://evil.example");
        using var response = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("augment:nightly", host.RecurringJobIds());
    }

    [PostgresFact]
    public async Task Dashboard_PlainKeyWithToken_ReadOnly_CannotRemove()
    {
        await using var host = await SchedulerHost.StartAsync();
        await host.CreateScheduleAsync("nightly");
        using var browser = host.Browser(Key);

        using var response = await browser.SendAsync(await DashboardPostAsync(browser, "hangfire/recurring/remove", "augment:nightly"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("augment:nightly", host.RecurringJobIds());
    }

    [PostgresFact]
    public async Task Dashboard_AdminRemovesScheduleAndReconcilerJobs_TriggerSyncPutsThemBack()
    {
        await using var host = await SchedulerHost.StartAsync();
        await host.CreateScheduleAsync("nightly");
        using var browser = host.Browser(AdminKey);

        using var removed = await browser.SendAsync(await DashboardPostAsync(browser, "hangfire/recurring/remove", "augment:nightly", "augment-reconcile"));
        var afterRemoval = host.RecurringJobIds();

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode); // same-origin, with the dashboard's token: allowed for an admin key
        Assert.DoesNotContain("augment:nightly", afterRemoval);
        Assert.DoesNotContain("augment-reconcile", afterRemoval);
        await Poll.UntilAsync(() =>
        {
            host.Time.Advance(TimeSpan.FromMinutes(1)); // Pipeline:Scheduler:TriggerSyncInterval
            var ids = host.RecurringJobIds();
            return ids.Contains("augment:nightly") && ids.Contains("augment-reconcile");
        }, "the trigger sync to put back the schedule's and the reconciler's recurring jobs");
    }

    /// <summary>A dashboard form post as the dashboard's own script sends it: with the token from a page it served.</summary>
    private static async Task<HttpRequestMessage> DashboardPostAsync(HttpClient browser, string path, params string[] jobIds)
    {
        var page = await browser.GetStringAsync(new Uri("hangfire/recurring", UriKind.Relative));
        var header = Regex.Match(page, "<meta name=\"csrf-header\" content=\"([^\"]+)\"").Groups[1].Value;
        var token = Regex.Match(page, "<meta name=\"csrf-token\" content=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(header) || string.IsNullOrEmpty(token), "the dashboard page carries no antiforgery token");
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(jobIds.Select(id => new KeyValuePair<string, string>("jobs[]", id))),
        };
        request.Headers.Add(header, token);
        return request;
    }

    private sealed class SchedulerHost : IAsyncDisposable
    {
        private readonly LoopbackServer _server;
        private readonly string _schema;
        private readonly string _root;
        private readonly RecordingBatchSender _sender;

        private SchedulerHost(LoopbackServer server, string schema, string root, FakeTimeProvider time, RecordingBatchSender sender) =>
            (_server, _schema, _root, Time, _sender) = (server, schema, root, time, sender);

        public Uri Address => _server.BaseAddress;

        public IServiceProvider Services => _server.Services;

        public FakeTimeProvider Time { get; }

        public string SourceRoot => Path.Join(_root, "sources");

        /// <summary>Batches the host sent (to a recorder, not the broker).</summary>
        public IReadOnlyCollection<SubmitBatch> Sent => _sender.Sent;

        /// <summary>A client sending <paramref name="key"/> in X-Api-Key.</summary>
        public HttpClient Client(string key)
        {
            var client = new HttpClient { BaseAddress = Address };
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            return client;
        }

        /// <summary>A browser signed in to the dashboard with Basic admin:<paramref name="key"/>, keeping cookies.</summary>
        public HttpClient Browser(string key)
        {
            var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = Address };
            browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{key}")));
            return browser;
        }

        public void AddSourceImages(string folder, int count)
        {
            Directory.CreateDirectory(Path.Join(SourceRoot, folder));
            for (var i = 0; i < count; i++)
            {
                File.WriteAllBytes(Path.Join(SourceRoot, folder, $"img{i}.png"), PngWriter.Encode(RgbImage.Filled(16, 16, (byte)(50 * i), 90, 90)));
            }
        }

        /// <summary>An enabled schedule over a folder of two images, through the API (so its recurring job is registered).</summary>
        public async Task CreateScheduleAsync(string id)
        {
            AddSourceImages("emoji", 2);
            using var client = Client(Key);
            using var response = await client.PutAsJsonAsync($"v1/schedules/{id}", PlannerTests.Schedule(id), ContractJson.Options);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Contains($"augment:{id}", RecurringJobIds());
        }

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
                ["Pipeline:Scheduler:AdminKeys:0"] = AdminKey,
                ["Pipeline:Tenancy:Tenants:acme:Keys:0:Sha256"] = ApiKeyHashes.Sha256Hex(AcmeKey),
                ["Pipeline:Tenancy:Tenants:globex:Keys:0:Sha256"] = ApiKeyHashes.Sha256Hex(GlobexKey),
            };
            if (Environment.GetEnvironmentVariable("RABBITMQ_URL") is { Length: > 0 } rabbit && Uri.TryCreate(rabbit, UriKind.Absolute, out var url))
            {
                settings["Pipeline:RabbitMq:Host"] = url.Host;
                settings["Pipeline:RabbitMq:Port"] = url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            builder.Configuration.AddInMemoryCollection(settings);
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            var sender = new RecordingBatchSender();
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddSingleton<IBatchSender>(sender);
            builder.AddSchedulerServices();
            var server = await LoopbackServer.StartAsync(builder, app => app.MapSchedulerEndpoints());
            return new SchedulerHost(server, schema, root, time, sender);
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

    /// <summary>Keeps the batches a run sends, so these tests put nothing on the shared broker.</summary>
    private sealed class RecordingBatchSender : IBatchSender
    {
        private readonly ConcurrentQueue<SubmitBatch> _sent = new();

        public IReadOnlyCollection<SubmitBatch> Sent => _sent;

        public Task SendAsync(SubmitBatch batch, CancellationToken cancellationToken = default)
        {
            _sent.Enqueue(batch);
            return Task.CompletedTask;
        }
    }
}
