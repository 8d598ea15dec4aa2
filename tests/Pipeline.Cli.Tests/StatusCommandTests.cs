using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Cli.Tests;

/// <summary>`pipeline status` against a stand-in of <c>GET /v1/workers</c>: what it prints, and its answers to 403 and to no API.</summary>
public sealed class StatusCommandTests : IAsyncLifetime
{
    private const string AdminKey = "ops-key";
    private const string PlainKey = "plain-key";

    /// <summary>An answer as the Api writes it (camelCase, absent nulls): one CUDA worker, a bulk backlog, a busy minute.</summary>
    private const string Fleet = """
        {
          "workers": [
            { "workerId": "gpu-node-7-a1b2c3", "host": "gpu-node-7", "executionProvider": "cuda", "cudaDeviceId": 1,
              "denoiserPrecision": "float32", "packs": [ { "name": "emoji-32", "version": "1.0.0" }, { "name": "paper", "version": "2" } ],
              "slotsTotal": 32, "slotsBusy": 30, "jobsDone": 1234, "version": "1.0.0+abc123",
              "startedAt": "2025-06-01T10:00:00+00:00", "lastSeenAt": "2025-06-01T11:59:57+00:00" },
            { "workerId": "cpu-1", "host": "box", "executionProvider": "cpu", "denoiserPrecision": "int8", "packs": [],
              "slotsTotal": 16, "slotsBusy": 0, "jobsDone": 7, "version": "1.0.0",
              "startedAt": "2025-06-01T11:59:15+00:00", "lastSeenAt": "2025-06-01T11:59:59+00:00" }
          ],
          "queue": { "byPriority": { "interactive": 0, "standard": 2, "bulk": 40, "legacy": 1 }, "total": 43,
                     "oldest": { "jobId": "old-1", "priority": "bulk", "submittedAt": "2025-06-01T11:54:57+00:00", "waitingSeconds": 303 } },
          "throughput": { "windowSeconds": 60, "succeeded": 90, "failed": 3, "canceled": 1, "imagesPerSecond": 1.5 },
          "workerTimeoutSeconds": 30,
          "generatedAt": "2025-06-01T12:00:00+00:00"
        }
        """;

    private LoopbackServer _api = null!;

    /// <summary>The body <c>GET /v1/workers</c> answers the admin key with.</summary>
    private string _body = Fleet;

    public async Task InitializeAsync() => _api = await LoopbackServer.StartAsync(app => app.MapGet("/v1/workers", (HttpContext context) =>
        context.Request.Headers["X-Api-Key"].ToString() switch
        {
            AdminKey => Results.Text(_body, "application/json"),
            PlainKey => Results.StatusCode(StatusCodes.Status403Forbidden),
            _ => Results.StatusCode(StatusCodes.Status401Unauthorized),
        }));

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Status_AdminKey_PrintsEachWorkerThenQueueOldestAndThroughput()
    {
        var run = await Run(AdminKey);

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Equal("Workers: 2 live (heartbeat within 30 s), 30 of 48 slots busy", lines[0]);
        var header = lines[1];
        var gpu = lines.Single(l => l.StartsWith("gpu-node-7-a1b2c3", StringComparison.Ordinal));
        var cpu = lines.Single(l => l.StartsWith("cpu-1 ", StringComparison.Ordinal));
        foreach (var value in new[] { "gpu-node-7", "cuda:1", "float32", "emoji-32 1.0.0, paper 2", "30/32", "1234", "1.0.0+abc123",
            "2025-06-01 10:00:00Z (2h 00m)", "3 s ago" })
        {
            Assert.Contains(value, gpu, StringComparison.Ordinal);
        }

        Assert.Contains("int8", cpu, StringComparison.Ordinal);
        Assert.Contains("0/16", cpu, StringComparison.Ordinal);
        Assert.Contains("(45 s)", cpu, StringComparison.Ordinal);
        // Columns line up under their headings.
        Assert.Equal(header.IndexOf("PROVIDER", StringComparison.Ordinal), gpu.IndexOf("cuda:1", StringComparison.Ordinal));
        Assert.Equal(header.IndexOf("PROVIDER", StringComparison.Ordinal), cpu.IndexOf("cpu ", StringComparison.Ordinal));
        Assert.Equal(header.IndexOf("LAST SEEN", StringComparison.Ordinal), gpu.IndexOf("3 s ago", StringComparison.Ordinal));
        Assert.Contains("Queue: 43 waiting (interactive 0, standard 2, bulk 40, legacy 1)", lines);
        Assert.Contains("Oldest waiting: old-1 (bulk), submitted 2025-06-01 11:54:57Z, waiting 5m 03s", lines);
        Assert.Contains("Last 60 s: 90 succeeded, 3 failed, 1 canceled; 1.50 images/s", lines);
    }

    [Fact]
    public async Task Status_NothingRunningOrWaiting_SaysSo()
    {
        _body = """
            { "workers": [], "queue": { "byPriority": { "interactive": 0, "standard": 0, "bulk": 0 }, "total": 0 },
              "throughput": { "windowSeconds": 60, "succeeded": 0, "failed": 0, "canceled": 0, "imagesPerSecond": 0 },
              "workerTimeoutSeconds": 30, "generatedAt": "2025-06-01T12:00:00+00:00" }
            """;

        var run = await Run(AdminKey);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Workers: none live (no heartbeat within 30 s)", run.Out, StringComparison.Ordinal);
        Assert.Contains("Queue: 0 waiting (interactive 0, standard 0, bulk 0)", run.Out, StringComparison.Ordinal);
        Assert.Contains("Oldest waiting: none", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_Json_PrintsTheAnswerForScripts()
    {
        var run = await Run(AdminKey, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(43, json.RootElement.GetProperty("queue").GetProperty("total").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("workers")[0].GetProperty("cudaDeviceId").GetInt32());
    }

    [Fact]
    public async Task Status_KeyThatIsNotAnAdminKey_Exit2SayingItNeedsAnAdminKey()
    {
        var run = await Run(PlainKey);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("needs an admin key", run.Error, StringComparison.Ordinal);
        Assert.Contains("Pipeline:Api:AdminKeys", run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Status_NoKey_Exit2AskingForOne()
    {
        var run = await Cli.RunAsync(new Dictionary<string, string> { ["PIPELINE_API_URL"] = _api.BaseAddress.ToString() }, "status");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("needs an API key", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NothingListening_Exit3()
    {
        var url = $"http://127.0.0.1:{FreePort()}/";

        var run = await Cli.RunAsync(new Dictionary<string, string> { ["PIPELINE_API_URL"] = url, ["PIPELINE_API_KEY"] = AdminKey }, "status", "--retries", "0");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"cannot reach the API at {url}", run.Error, StringComparison.Ordinal);
    }

    private Task<CliRun> Run(string key, params string[] args) => Cli.RunAsync(
        new Dictionary<string, string> { ["PIPELINE_API_URL"] = _api.BaseAddress.ToString(), ["PIPELINE_API_KEY"] = key }, ["status", .. args]);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
