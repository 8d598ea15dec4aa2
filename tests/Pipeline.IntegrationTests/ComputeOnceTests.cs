using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Contracts;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests;

/// <summary>
/// Concurrent duplicate submissions against real RabbitMQ and PostgreSQL and two workers: one job per id, each computed
/// once (one JobAccepted: one worker took it) and announced once (one JobCompleted), however many copies of its message
/// the duplicate submissions put on the queue.
/// </summary>
[Collection(RealServices.Name)]
public sealed class ComputeOnceTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [ServiceFact]
    public async Task SameBatchPostedFiveTimesAtOnce_TwoWorkers_EachJobComputedOnceAndCompletedOnce()
    {
        await using var stack = await TestPipeline.StartAsync("once-batch");
        var tap = await EventTap.StartAsync(stack, nameof(JobAccepted), nameof(JobCompleted));
        var body = new { batchId = "once", jobs = Enumerable.Range(0, 20).Select(i => new { kind = "generation", steps = 6, seed = i }).ToArray() };

        var posts = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            using var response = await stack.Client.Http.PostAsJsonAsync(new Uri("/v1/batches", UriKind.Relative), body);
            return response.StatusCode;
        }));
        // The workers start once every post is answered: a duplicate re-sends only jobs still queued, and workers running
        // alongside could take all 20 first, leaving no copy to handle. Two of them then race for each job's copies.
        await stack.StartWorkerAsync();
        await stack.StartWorkerAsync();

        Assert.Single(posts, status => status == HttpStatusCode.Accepted);
        Assert.Equal(4, posts.Count(status => status == HttpStatusCode.OK));
        var ids = Enumerable.Range(0, 20).Select(i => $"once.{i}").ToList();
        await AssertEachComputedAndCompletedOnceAsync(stack, tap, ids);
        // The duplicates did put copies on the queue (the test would prove nothing otherwise).
        await Poll.UntilAsync(async () => await AckedAsync(stack, PipelineEndpoints.JobQueue) > ids.Count, TimeSpan.FromSeconds(30),
            () => "more job messages than jobs acknowledged");
    }

    [ServiceFact]
    public async Task TenConcurrentPostsWithOneIdempotencyKey_OneJobComputedOnceAndCompletedOnce()
    {
        await using var stack = await TestPipeline.StartAsync("once-key");
        var tap = await EventTap.StartAsync(stack, nameof(JobAccepted), nameof(JobCompleted));
        await stack.StartWorkerAsync();
        await stack.StartWorkerAsync();

        var posts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            stack.Client.SubmitAsync(new { kind = "generation", steps = 6, seed = 3 }, idempotencyKey: "once-key-1")));

        Assert.Single(posts, post => post.Status == HttpStatusCode.Accepted);
        Assert.Equal(9, posts.Count(post => post.Status == HttpStatusCode.OK));
        await AssertEachComputedAndCompletedOnceAsync(stack, tap, ["once-key-1"]);
    }

    [ServiceFact]
    public async Task SameIdDifferentRequest_409AndTheJobRunsAsFirstSubmitted()
    {
        await using var stack = await TestPipeline.StartAsync("once-conflict");
        await stack.StartWorkerAsync();

        var (first, _) = await stack.Client.SubmitAsync(new { jobId = "conflicted", kind = "generation", steps = 4, seed = 1 });
        var (second, problem) = await stack.Client.SubmitAsync(new { jobId = "conflicted", kind = "generation", steps = 5, seed = 1 });

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Conflict), (first, second));
        Assert.Equal("steps", Assert.Single(problem["fields"]!.AsArray())!.GetValue<string>());
        var job = (await stack.Client.WaitForAllAsync(["conflicted"], Deadline))["conflicted"];
        Assert.Equal(("succeeded", 4), (job["status"]!.GetValue<string>(), job["stepsUsed"]!.GetValue<int>()));
    }

    /// <summary>Messages acknowledged from a queue so far, from the management API's statistics (they lag by a few seconds).</summary>
    private static async Task<int> AckedAsync(TestPipeline stack, string queue)
    {
        using var management = new HttpClient { BaseAddress = stack.Services.Management };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{stack.Services.RabbitUser}:{stack.Services.RabbitPassword}")));
        var info = await management.GetFromJsonAsync<JsonObject>(
            new Uri($"api/queues/{Uri.EscapeDataString(stack.VirtualHost)}/{Uri.EscapeDataString(queue)}", UriKind.Relative));
        return info?["message_stats"]?["ack"]?.GetValue<int>() ?? 0;
    }

    /// <summary>
    /// Every job succeeded on its first attempt, and once every copy of every message has been handled (the job queue
    /// is empty), each job has exactly one JobAccepted and one JobCompleted.
    /// </summary>
    internal static async Task AssertEachComputedAndCompletedOnceAsync(TestPipeline stack, EventTap tap, IReadOnlyCollection<string> ids)
    {
        var jobs = await stack.Client.WaitForAllAsync(ids, Deadline);
        Assert.All(jobs.Values, job => Assert.Equal(("succeeded", 1), (job["status"]!.GetValue<string>(), job["attempts"]!.GetValue<int>())));
        await Poll.UntilAsync(async () => await stack.QueueDepthAsync(PipelineEndpoints.JobQueue) == 0, Deadline, () => "every copy handled");
        var completed = await tap.CountOnceEachArrivedAsync(nameof(JobCompleted), ids, Deadline);
        var accepted = await tap.CountAsync(nameof(JobAccepted));
        Assert.All(ids, id => Assert.Equal((id, 1, 1), (id, accepted.GetValueOrDefault(id), completed.GetValueOrDefault(id))));
    }
}
