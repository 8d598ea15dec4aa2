using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Client;
using Pipeline.Storage.Fleet;

namespace Pipeline.Api.Tests;

/// <summary><c>GET /v1/workers</c>: who may read it, the shape of its answer, its OpenAPI description, and the client's call.</summary>
public sealed class WorkerEndpointsTests : IAsyncLifetime
{
    private static readonly Uri Workers = new("/v1/workers", UriKind.Relative);
    private readonly List<ServiceProvider> _clients = [];
    private InMemoryApi _api = null!;

    public async Task InitializeAsync() => _api = await InMemoryApi.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Get_AdminKey_WorkersQueueWithEveryClassAndOldestAndThroughput()
    {
        var now = DateTimeOffset.UtcNow;
        _api.Fleet.Workers.Add(new WorkerRecord(new WorkerHeartbeat
        {
            WorkerId = "gpu-1",
            Host = "node-7",
            Packs = [new WorkerPack("emoji-32", "1.0.0")],
            DenoiserPrecision = "float32",
            ExecutionProvider = "cuda",
            CudaDeviceId = 1,
            SlotsTotal = 32,
            SlotsBusy = 30,
            JobsDone = 1234,
            Version = "1.0.0+abc",
            StartedAt = now.AddHours(-2),
        }, now.AddSeconds(-3)));
        _api.Fleet.Queue = new QueueDepth(new Dictionary<string, int> { ["bulk"] = 40, ["standard"] = 2 },
            new QueuedJob("old-1", "bulk", now.AddMinutes(-5)));
        _api.Fleet.Throughput = new JobThroughput(TimeSpan.FromMinutes(1), 90, 3, 1);
        using var http = _api.CreateHttp(InMemoryApi.AdminKey);

        using var response = await http.GetAsync(Workers);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = body.RootElement;
        var worker = Assert.Single(root.GetProperty("workers").EnumerateArray().ToList());
        Assert.Equal(("gpu-1", "node-7", "cuda", 1, "float32"), (worker.GetProperty("workerId").GetString(), worker.GetProperty("host").GetString(),
            worker.GetProperty("executionProvider").GetString(), worker.GetProperty("cudaDeviceId").GetInt32(), worker.GetProperty("denoiserPrecision").GetString()));
        Assert.Equal((32, 30, 1234L), (worker.GetProperty("slotsTotal").GetInt32(), worker.GetProperty("slotsBusy").GetInt32(), worker.GetProperty("jobsDone").GetInt64()));
        var pack = Assert.Single(worker.GetProperty("packs").EnumerateArray().ToList());
        Assert.Equal(("emoji-32", "1.0.0"), (pack.GetProperty("name").GetString(), pack.GetProperty("version").GetString()));
        Assert.Equal("1.0.0+abc", worker.GetProperty("version").GetString());
        Assert.Equal(now.AddSeconds(-3), worker.GetProperty("lastSeenAt").GetDateTimeOffset());
        Assert.Equal(now.AddHours(-2), worker.GetProperty("startedAt").GetDateTimeOffset());

        var queue = root.GetProperty("queue");
        Assert.Equal(["interactive:0", "standard:2", "bulk:40"],
            queue.GetProperty("byPriority").EnumerateObject().Select(p => $"{p.Name}:{p.Value.GetInt32()}"));
        Assert.Equal(42, queue.GetProperty("total").GetInt32());
        var oldest = queue.GetProperty("oldest");
        Assert.Equal(("old-1", "bulk"), (oldest.GetProperty("jobId").GetString(), oldest.GetProperty("priority").GetString()));
        Assert.InRange(oldest.GetProperty("waitingSeconds").GetDouble(), 300, 360);

        var throughput = root.GetProperty("throughput");
        Assert.Equal((60d, 90, 3, 1, 1.5), (throughput.GetProperty("windowSeconds").GetDouble(), throughput.GetProperty("succeeded").GetInt32(),
            throughput.GetProperty("failed").GetInt32(), throughput.GetProperty("canceled").GetInt32(), throughput.GetProperty("imagesPerSecond").GetDouble()));
        Assert.Equal(30, root.GetProperty("workerTimeoutSeconds").GetDouble());
        Assert.Equal([("prune", TimeSpan.FromHours(1)), ("live", TimeSpan.FromSeconds(30)), ("throughput", TimeSpan.FromMinutes(1))], _api.Fleet.Calls);
    }

    [Fact]
    public async Task Get_NothingRunningOrQueued_EmptyWorkersZeroCountsAndNoOldest()
    {
        using var http = _api.CreateHttp(InMemoryApi.AdminKey);

        using var body = JsonDocument.Parse(await http.GetStringAsync(Workers));

        Assert.Empty(body.RootElement.GetProperty("workers").EnumerateArray());
        Assert.All(body.RootElement.GetProperty("queue").GetProperty("byPriority").EnumerateObject(), p => Assert.Equal(0, p.Value.GetInt32()));
        Assert.False(body.RootElement.GetProperty("queue").TryGetProperty("oldest", out _));
    }

    [Fact]
    public async Task Get_ValidKeyThatIsNotAnAdminKey_Forbidden()
    {
        using var http = _api.CreateHttp(InMemoryApi.ApiKey);

        using var response = await http.GetAsync(Workers);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(_api.Fleet.Calls);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task Get_NoOrUnknownKey_Unauthorized(string? key)
    {
        using var http = _api.CreateHttp(key);

        using var response = await http.GetAsync(Workers);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminKey_OnTheOtherEndpoints_AcceptedLikeAnApiKey()
    {
        using var http = _api.CreateHttp(InMemoryApi.AdminKey);

        using var response = await http.GetAsync(new Uri("/v1/batches/unknown", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_DescribesTheFleetStatusAndTheForbiddenAnswer()
    {
        using var anonymous = _api.CreateHttp(apiKey: null);
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));

        var get = document.RootElement.GetProperty("paths").GetProperty("/v1/workers").GetProperty("get");
        var reference = get.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json")
            .GetProperty("schema").GetProperty("$ref").GetString()!;
        var status = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(reference.Split('/')[^1]);

        Assert.Equal("GetFleetStatus", get.GetProperty("operationId").GetString());
        Assert.True(get.GetProperty("responses").TryGetProperty("403", out _), get.ToString());
        Assert.Contains("admin key", get.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.All(["workers", "queue", "throughput"], name => Assert.True(status.GetProperty("properties").TryGetProperty(name, out _), status.ToString()));
    }

    [Fact]
    public async Task Client_AdminKeyThenPlainKey_ReadsTheStatusThenGets403()
    {
        _api.Fleet.Queue = new QueueDepth(new Dictionary<string, int> { ["interactive"] = 1 }, new QueuedJob("j", "interactive", DateTimeOffset.UtcNow));

        var status = await Client(InMemoryApi.AdminKey).GetFleetStatusAsync();
        var refused = await Assert.ThrowsAsync<PipelineApiException>(() => Client(InMemoryApi.ApiKey).GetFleetStatusAsync());

        Assert.Equal(1, status.Queue.ByPriority["interactive"]);
        Assert.Equal("j", status.Queue.Oldest?.JobId);
        Assert.Empty(status.Workers);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private PipelineApiClient Client(string key)
    {
        var services = new ServiceCollection();
        services.AddPipelineClient(o => (o.BaseAddress, o.ApiKey, o.MaxRetryAttempts) = (_api.BaseAddress, key, 0));
        var provider = services.BuildServiceProvider();
        _clients.Add(provider);
        return provider.GetRequiredService<PipelineApiClient>();
    }
}
