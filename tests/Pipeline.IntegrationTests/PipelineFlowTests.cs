using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Pipeline.Contracts;
using Microsoft.Extensions.Options;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Storage;
using Pipeline.Storage.Inputs;
using RabbitMQ.Client;

namespace Pipeline.IntegrationTests;

/// <summary>Single-process flows: idempotent submission, raw-JSON producers, bad input and poison, cancel.</summary>
[Collection(RealServices.Name)]
public sealed class PipelineFlowTests
{
    [ServiceFact]
    public async Task Submit_SameJobTwice_OneJobAndItsResultServed()
    {
        await using var stack = await TestPipeline.StartAsync("idem");
        await stack.StartWorkerAsync();

        var (first, body) = await stack.Client.SubmitAsync(new { kind = "generation", steps = 4, priority = "interactive" }, idempotencyKey: "idem-job-1");
        var (second, again) = await stack.Client.SubmitAsync(new { kind = "generation", steps = 4, priority = "interactive" }, idempotencyKey: "idem-job-1");

        Assert.Equal(HttpStatusCode.Accepted, first);
        Assert.Equal(HttpStatusCode.OK, second);
        Assert.Equal("idem-job-1", body["jobId"]!.GetValue<string>());
        Assert.Equal("idem-job-1", again["jobId"]!.GetValue<string>());
        var job = (await stack.Client.WaitForAllAsync(["idem-job-1"], TimeSpan.FromSeconds(60)))["idem-job-1"];
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.Equal(4, job["stepsUsed"]!.GetValue<int>());

        var png = await stack.Client.Http.GetByteArrayAsync(new Uri("/v1/jobs/idem-job-1/result", UriKind.Relative));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        using var metadata = JsonDocument.Parse(await stack.Client.Http.GetStringAsync(new Uri("/v1/jobs/idem-job-1/metadata", UriKind.Relative)));
        Assert.Equal("idem-job-1", metadata.RootElement.GetProperty("jobId").GetString());
        Assert.Equal("tiny-test", metadata.RootElement.GetProperty("modelPack").GetString());
    }

    [ServiceFact]
    public async Task Submit_InvalidFields_ProblemDetailsNameEachField()
    {
        await using var stack = await TestPipeline.StartAsync("validation");

        var (status, body) = await stack.Client.SubmitAsync(new { kind = "variation", steps = 0, seed = -1 });
        using var unauthenticated = new HttpClient { BaseAddress = stack.Client.Http.BaseAddress };
        var anonymous = await unauthenticated.PostAsync(new Uri("/v1/jobs", UriKind.Relative), new StringContent("{}", Encoding.UTF8, "application/json"));
        var openApi = await unauthenticated.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = body["errors"]!.AsObject();
        Assert.Contains("steps", errors.Select(e => e.Key));
        Assert.Contains("seed", errors.Select(e => e.Key));
        Assert.Contains("sourceImageKey", errors.Select(e => e.Key));
        Assert.Equal(ContractErrorCodes.StepsOutOfRange, body["codes"]!["steps"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("/v1/jobs", openApi, StringComparison.Ordinal);
    }

    [ServiceFact]
    public async Task RawJsonProducer_JobPublishedWithoutMassTransit_IsConsumed()
    {
        await using var stack = await TestPipeline.StartAsync("raw");
        await stack.StartWorkerAsync();

        // What any AMQP client does (schemas/README.md): default exchange, routing key = queue, JSON body, priority property.
        await PublishRawAsync(stack, """{"jobId":"raw-json-1","kind":"generation","priority":"interactive","steps":3,"seed":42}""", priority: 9);

        var job = (await stack.Client.WaitForAllAsync(["raw-json-1"], TimeSpan.FromSeconds(60)))["raw-json-1"];
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.Equal(3, job["stepsUsed"]!.GetValue<int>());
    }

    [ServiceFact]
    public async Task BadInputAndPoison_FailedRecordsWithReasons_WorkerKeepsServing()
    {
        await using var stack = await TestPipeline.StartAsync("poison");
        await stack.StartWorkerAsync();
        // The Api refuses the file at the door (422); the worker's own check is still run, on the same bytes put in the
        // input store directly, as another producer writing the shared store (or an input from before the door) would.
        var notAnImageBytes = Encoding.UTF8.GetBytes("this is not an image");
        using var refused = await stack.Client.Http.PostAsync(new Uri("/v1/inputs", UriKind.Relative), new ByteArrayContent(notAnImageBytes));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var store = new FileSystemInputStore(Options.Create(new FileStorageOptions { RootPath = Path.Combine(stack.StorageRoot, "store") }));
        var notAnImage = (await store.PutAsync(new MemoryStream(notAnImageBytes))).Key;
        var missing = "sha256:" + new string('0', 64);

        await PublishRawAsync(stack, "{ not json at all", priority: 5);
        await PublishRawAsync(stack, """{"jobId":"../../etc","kind":"generation"}""", priority: 5);
        await PublishRawAsync(stack, """{"jobId":"poison-kind","kind":"painting"}""", priority: 5);
        await PublishRawAsync(stack, """{"jobId":"poison-mistyped","kind":"generation","seed":"forty-two"}""", priority: 5);
        // Straight to the broker: the Api takes only keys its caller's tenant uploaded (and refuses this file at the door), so
        // only a producer on the broker can still send these bytes, and the worker must fail the job with a reason.
        await PublishRawAsync(stack, $$"""{"jobId":"poison-undecodable","kind":"variation","steps":6,"strength":0.5,"sourceImageKey":"{{notAnImage}}"}""", priority: 5);
        // A key naming nothing is refused at the door now (the worker's own check: SubmitJobConsumerTests).
        var (missingStatus, missingBody) = await stack.Client.SubmitAsync(TestJobs.Variation("poison-missing-input", missing));
        await stack.Client.SubmitAsync(new { jobId = "poison-unknown-pack", kind = "generation", modelPack = "no-such-pack", steps = 2 });
        await stack.Client.SubmitAsync(TestJobs.Generation("poison-then-good", steps: 3));

        var jobs = await stack.Client.WaitForAllAsync(
            ["poison-kind", "poison-mistyped", "poison-undecodable", "poison-unknown-pack", "poison-then-good"],
            TimeSpan.FromSeconds(90));

        Assert.Equal("succeeded", jobs["poison-then-good"]["status"]!.GetValue<string>());
        AssertFailed(jobs["poison-kind"], ContractErrorCodes.UnknownKind);
        AssertFailed(jobs["poison-mistyped"], ContractErrorCodes.MalformedMessage);
        Assert.Contains("'seed'", jobs["poison-mistyped"]["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        AssertFailed(jobs["poison-undecodable"], "image_undecodable");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missingStatus);
        Assert.Equal("input_not_found", missingBody["codes"]!["sourceImageKey"]![0]!.GetValue<string>());
        AssertFailed(jobs["poison-unknown-pack"], "unknown_model");
        await Poll.UntilAsync(async () => await stack.QueueDepthAsync($"{PipelineEndpoints.JobQueue}_error") >= 2 ||
                await stack.QueueDepthAsync($"{PipelineEndpoints.JobQueue}_skipped") + await stack.QueueDepthAsync($"{PipelineEndpoints.JobQueue}_error") >= 2,
            TimeSpan.FromSeconds(30), () => "the undecodable and unattributable messages in pipeline-jobs_error");
    }

    [ServiceFact]
    public async Task Cancel_QueuedJob_EndsCanceledAndNeverRuns()
    {
        await using var pipeline = await TestPipeline.StartAsync("cancel");

        // No worker yet: the job waits in RabbitMQ; the cancel is recorded as soon as a worker consumes the cancel queue.
        await pipeline.Client.SubmitAsync(TestJobs.Generation("cancel-queued", "bulk", steps: 4));
        var canceled = await pipeline.Client.Http.PostAsync(new Uri("/v1/jobs/cancel-queued/cancel", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new { reason = "not needed any more" }));
        await pipeline.StartWorkerAsync();
        await pipeline.Client.SubmitAsync(TestJobs.Generation("cancel-after", "bulk", steps: 2));

        var jobs = await pipeline.Client.WaitForAllAsync(["cancel-queued", "cancel-after"], TimeSpan.FromSeconds(60));
        var again = await pipeline.Client.Http.PostAsync(new Uri("/v1/jobs/cancel-queued/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, canceled.StatusCode);
        Assert.Equal("canceled", jobs["cancel-queued"]["status"]!.GetValue<string>());
        Assert.Equal("not needed any more", jobs["cancel-queued"]["error"]!["message"]!.GetValue<string>());
        Assert.Equal(0, jobs["cancel-queued"]["attempts"]!.GetValue<int>());
        Assert.Equal("succeeded", jobs["cancel-after"]["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [ServiceFact]
    public async Task Cancel_RunningJob_StopsBetweenIterationsEndsCanceledOthersInItsBatchFinish()
    {
        await using var pipeline = await TestPipeline.StartAsync("cancel-running");
        // 32 emoji-32 jobs share every forward (a 64-token job runs at most 64 forwards, however many steps): seconds
        // of work on one intra-op thread, so the cancel lands mid-sampling.
        await pipeline.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Pipeline:Models:SearchDirectories:0"] = Path.Combine(RepoPaths.Root, "models"),
            ["Pipeline:Models:DefaultPack"] = "emoji-32",
            ["Pipeline:Worker:Capacity"] = "32",
        });
        // The one to cancel goes last: the first job admitted would run alone, fast, until the others join.
        string[] ids = [.. Enumerable.Range(1, 31).Select(i => $"keep-{i:D2}"), "cancel-running"];
        foreach (var id in ids)
        {
            await pipeline.Client.SubmitAsync(new { jobId = id, kind = "generation", priority = "interactive", steps = 256, modelPack = "emoji-32" });
        }

        // A tight poll of its own (not Poll's back-off): the job must be caught while it samples.
        var running = Stopwatch.StartNew();
        while (await pipeline.Client.GetJobAsync("cancel-running") is var job
            && !(job?["status"]?.GetValue<string>() == "running" && job["progress"]!["step"]!.GetValue<int>() > 0))
        {
            Assert.True(running.Elapsed < TimeSpan.FromSeconds(60), "cancel-running not sampling within 60 s");
            Assert.NotEqual("succeeded", job?["status"]?.GetValue<string>());
            await Task.Delay(20);
        }

        using var cancel = await pipeline.Client.Http.PostAsync(new Uri("/v1/jobs/cancel-running/cancel", UriKind.Relative),
            System.Net.Http.Json.JsonContent.Create(new { reason = "changed my mind" }));
        var jobs = await pipeline.Client.WaitForAllAsync(ids, TimeSpan.FromSeconds(120));
        using var result = await pipeline.Client.Http.GetAsync(new Uri("/v1/jobs/cancel-running/result", UriKind.Relative));

        var canceled = jobs["cancel-running"];
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("canceled", canceled["status"]!.GetValue<string>());
        Assert.Equal("changed my mind", canceled["error"]!["message"]!.GetValue<string>());
        Assert.Equal(1, canceled["attempts"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Conflict, result.StatusCode); // no result: it ended canceled
        Assert.All(ids[..^1], id => Assert.Equal("succeeded", jobs[id]["status"]!.GetValue<string>()));
        // Stopped between iterations: it never reached its last step and the worker stored nothing for it.
        Assert.InRange(canceled["progress"]!["step"]!.GetValue<int>(), 1, 255);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(pipeline.StorageRoot, "store"), "cancel-running*", SearchOption.AllDirectories));
    }

    private static void AssertFailed(System.Text.Json.Nodes.JsonObject job, string code)
    {
        Assert.Equal("failed", job["status"]!.GetValue<string>());
        Assert.Equal(code, job["error"]!["code"]!.GetValue<string>());
        Assert.False(job["error"]!["retryable"]!.GetValue<bool>());
        Assert.False(string.IsNullOrWhiteSpace(job["error"]!["message"]!.GetValue<string>()));
    }

    internal static async Task PublishRawAsync(TestPipeline stack, string json, byte priority)
    {
        var factory = new ConnectionFactory
        {
            Uri = stack.Services.Rabbit!,
            VirtualHost = stack.VirtualHost,
        };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var properties = new BasicProperties
        {
            ContentType = PipelineEndpoints.RawJsonContentType,
            Priority = priority,
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = Guid.NewGuid().ToString(),
        };
        await channel.BasicPublishAsync("", PipelineEndpoints.JobQueue, mandatory: true, properties, Encoding.UTF8.GetBytes(json));
    }
}

/// <summary>Every test here shares the broker and the database server, and some restart or cut them: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealServices
{
    public const string Name = "real services";
}
