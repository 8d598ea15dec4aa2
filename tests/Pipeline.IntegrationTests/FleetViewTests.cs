using System.Net;
using System.Text.Json.Nodes;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests;

/// <summary>
/// The fleet view on the real services: a worker's heartbeats reach PostgreSQL and <c>GET /v1/workers</c> (admin key) shows
/// it with its slots and provider, its jobs and the minute's throughput; it leaves the view when it stops, and a killed one
/// after the worker timeout.
/// </summary>
[Collection(RealServices.Name)]
public sealed class FleetViewTests
{
    private const string AdminKey = "integration-admin-key";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [ServiceFact]
    public async Task RunningWorker_ShownWithSlotsProviderAndJobs_GoneOnceItStops()
    {
        await using var pipeline = await TestPipeline.StartAsync("fleet", startApi: false);
        await pipeline.StartApiAsync(new Dictionary<string, string?> { ["Pipeline:Api:AdminKeys:0"] = AdminKey });
        using var admin = AdminClient(pipeline);
        var worker = await pipeline.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Pipeline:Worker:Id"] = "it-fleet-worker",
            ["Pipeline:Worker:HeartbeatInterval"] = "00:00:00.500",
            ["Pipeline:Worker:Capacity"] = "6",
        });

        var shown = await Poll.UntilAsync(() => FindWorkerAsync(admin, "it-fleet-worker"), Deadline, () => "the worker in GET /v1/workers");
        var ids = new[] { "fleet-1", "fleet-2", "fleet-3" };
        foreach (var id in ids)
        {
            await pipeline.Client.SubmitAsync(TestJobs.Generation(id, "standard", steps: 4));
        }

        await pipeline.Client.WaitForAllAsync(ids, Deadline, "succeeded");
        var afterJobs = await Poll.UntilAsync(async () => await FindWorkerAsync(admin, "it-fleet-worker") is { } w && w["jobsDone"]!.GetValue<long>() >= 3 ? w : null,
            Deadline, () => "jobsDone reaching 3");
        var status = await GetStatusAsync(admin);
        using var plain = await pipeline.Client.Http.GetAsync(new Uri("/v1/workers", UriKind.Relative));
        await pipeline.StopWorkerAsync(worker);
        var afterStop = await GetStatusAsync(admin);

        Assert.Equal(("cpu", "float32", Environment.MachineName), (Text(shown, "executionProvider"), Text(shown, "denoiserPrecision"), Text(shown, "host")));
        Assert.Null(shown["cudaDeviceId"]);
        Assert.Equal(6, shown["slotsTotal"]!.GetValue<int>());
        Assert.InRange(shown["slotsBusy"]!.GetValue<int>(), 0, 6);
        Assert.Contains("tiny-test", shown["packs"]!.AsArray().Select(p => Text(p!, "name")));
        Assert.False(string.IsNullOrEmpty(Text(shown, "version")));
        Assert.Equal(3, afterJobs["jobsDone"]!.GetValue<long>());
        Assert.True(status["throughput"]!["succeeded"]!.GetValue<int>() >= 3, status.ToJsonString());
        Assert.Equal(0, status["queue"]!["total"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Forbidden, plain.StatusCode);
        Assert.DoesNotContain(afterStop["workers"]!.AsArray(), w => Text(w!, "workerId") == "it-fleet-worker");
    }

    [ServiceFact]
    public async Task KilledWorkerProcess_DropsOutAfterTheWorkerTimeout()
    {
        var fast = new Dictionary<string, string?>
        {
            ["Pipeline:Api:AdminKeys:0"] = AdminKey,
            ["Pipeline:Fleet:WorkerTimeout"] = "00:00:02",
            ["Pipeline:Worker:Id"] = "it-fleet-victim",
            ["Pipeline:Worker:HeartbeatInterval"] = "00:00:00.500",
        };
        await using var pipeline = await TestPipeline.StartAsync("fleet-kill", startApi: false);
        await pipeline.StartApiAsync(fast);
        using var admin = AdminClient(pipeline);
        var victim = await pipeline.StartWorkerProcessAsync("victim", fast);
        await Poll.UntilAsync(() => FindWorkerAsync(admin, "it-fleet-victim"), Deadline, () => $"the worker process in GET /v1/workers; log {victim.LogPath}");

        victim.Kill();

        // No graceful stop deleted the row: it leaves the view only when its last beat is older than the timeout.
        await Poll.UntilAsync(async () => await FindWorkerAsync(admin, "it-fleet-victim") is null, TimeSpan.FromSeconds(30),
            () => "the killed worker gone from GET /v1/workers");
    }

    private static HttpClient AdminClient(TestPipeline pipeline)
    {
        var http = new HttpClient { BaseAddress = pipeline.Client.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return http;
    }

    private static async Task<JsonObject> GetStatusAsync(HttpClient admin)
    {
        using var response = await admin.GetAsync(new Uri("/v1/workers", UriKind.Relative));
        var body = await PipelineClient.ReadObjectAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body.ToJsonString()}");
        return body;
    }

    private static async Task<JsonObject?> FindWorkerAsync(HttpClient admin, string workerId) =>
        (await GetStatusAsync(admin))["workers"]!.AsArray().OfType<JsonObject>().FirstOrDefault(w => Text(w, "workerId") == workerId);

    private static string? Text(JsonNode node, string name) => node[name]?.GetValue<string>();
}
