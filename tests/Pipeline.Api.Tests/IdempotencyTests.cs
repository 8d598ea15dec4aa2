using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Pipeline.Api.Submission;

namespace Pipeline.Api.Tests;

/// <summary>
/// Ids as idempotency keys, the way payment APIs treat them: the same id with the same request answers the existing job
/// (200), with a different request 409 naming the differing fields, and nothing changes.
/// </summary>
public sealed class IdempotencyTests : IAsyncLifetime
{
    private InMemoryApi _api = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _api = await InMemoryApi.StartAsync();
        _http = _api.CreateHttp();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task SubmitJob_SameIdSameRequest_ExistingJobWith200()
    {
        var first = await PostAsync("/v1/jobs", new { jobId = "same", kind = "generation", steps = 4, seed = 7 });
        var again = await PostAsync("/v1/jobs", new { jobId = "same", kind = "generation", steps = 4, seed = 7, priority = "standard" });

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("same", again.Body["jobId"]!.GetValue<string>());
    }

    [Fact]
    public async Task SubmitJob_SameIdDifferentRequest_409NamingTheFieldsAndTheJobUnchanged()
    {
        await PostAsync("/v1/jobs", new { jobId = "reused", kind = "generation", steps = 4, seed = 7 });

        var conflict = await PostAsync("/v1/jobs", new { jobId = "reused", kind = "generation", steps = 8, seed = 9, priority = "bulk" });

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal(IdempotencyConflict.Code, conflict.Body["code"]!.GetValue<string>());
        Assert.Equal(["seed", "priority", "steps"], Fields(conflict.Body));
        Assert.Contains("seed, priority, steps differ", conflict.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var recorded = (await _api.Jobs.GetAsync("reused"))!.ReadRequest();
        Assert.Equal((7L, 4, "standard"), (recorded.Seed, recorded.Steps, recorded.Priority));
    }

    [Fact]
    public async Task SubmitJob_SameIdempotencyKeyDifferentRequest_409()
    {
        await PostAsync("/v1/jobs", new { kind = "generation", steps = 4 }, idempotencyKey: "key-1");

        var conflict = await PostAsync("/v1/jobs", new { kind = "generation", steps = 5 }, idempotencyKey: "key-1");

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal(["steps"], Fields(conflict.Body));
    }

    [Fact]
    public async Task SubmitJob_ManyConcurrentPostsWithOneKey_OneJobCreatedTheRestGetIt()
    {
        var posts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            PostAsync("/v1/jobs", new { kind = "generation", steps = 4, seed = 1 }, idempotencyKey: "burst")));

        Assert.Single(posts, p => p.Status == HttpStatusCode.Accepted);
        Assert.Equal(9, posts.Count(p => p.Status == HttpStatusCode.OK));
        Assert.All(posts, p => Assert.Equal("burst", p.Body["jobId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SubmitBatch_SameIdSameJobs_200AndDifferentJobs_409NamingItemFieldsNothingRecorded()
    {
        var first = await PostAsync("/v1/batches", Batch("b-same", seeds: [1, 2]));
        var again = await PostAsync("/v1/batches", Batch("b-same", seeds: [1, 2]));
        var conflict = await PostAsync("/v1/batches", Batch("b-same", seeds: [1, 3]));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK, HttpStatusCode.Conflict), (first.Status, again.Status, conflict.Status));
        Assert.Equal(["jobs[1].seed"], Fields(conflict.Body));
        Assert.Equal(2L, (await _api.Jobs.GetAsync("b-same.1"))!.ReadRequest().Seed);
    }

    [Fact]
    public async Task SubmitBatch_SameIdOtherNumberOfJobsOrCallback_409NamingJobsAndCallbackUrl()
    {
        await PostAsync("/v1/batches", Batch("b-count", seeds: [1, 2]));

        var conflict = await PostAsync("/v1/batches", Batch("b-count", seeds: [1, 2, 3]) with { callbackUrl = "https://hooks.example/b" });

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal(["jobs", "callbackUrl"], Fields(conflict.Body));
        Assert.Null(await _api.Jobs.GetAsync("b-count.2"));
    }

    [Fact]
    public async Task SubmitBatch_ItemIdBelongsToASingleJob_409NamingTheItemAndNothingOfTheBatchRecorded()
    {
        await PostAsync("/v1/jobs", new { jobId = "loner", kind = "generation", steps = 2, seed = 1 });

        var conflict = await PostAsync("/v1/batches", new
        {
            batchId = "b-foreign",
            jobs = new object[] { new { kind = "generation", steps = 2, seed = 5 }, new { jobId = "loner", kind = "generation", steps = 2, seed = 1 } },
        });

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal(["jobs[1].jobId"], Fields(conflict.Body));
        Assert.Contains("jobs[1].jobId 'loner' is a job of its own (submitted alone)", conflict.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null((await _api.Jobs.GetAsync("loner"))!.BatchId);
        // Refused whole: a batch recorded without that item would expect a job it can never hold, and never complete.
        Assert.Null(await _api.Jobs.GetBatchAsync("b-foreign"));
        Assert.Null(await _api.Jobs.GetAsync("b-foreign.0"));
    }

    [Fact]
    public async Task SubmitBatch_ItemIdOfAnotherBatchesJob_409NamingThatBatch_ThenAcceptedWithANewId()
    {
        object[] Jobs(string namedId) => [new { kind = "generation", steps = 2, seed = 5 }, new { jobId = namedId, kind = "generation", steps = 2, seed = 1 }];
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("/v1/batches", new { batchId = "b-first", jobs = Jobs("cat-soft") })).Status);

        var conflict = await PostAsync("/v1/batches", new { batchId = "b-second", jobs = Jobs("cat-soft") });
        var renamed = await PostAsync("/v1/batches", new { batchId = "b-second", jobs = Jobs("cat-soft-2") });
        var firstAgain = await PostAsync("/v1/batches", new { batchId = "b-first", jobs = Jobs("cat-soft") });

        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal(["jobs[1].jobId"], Fields(conflict.Body));
        Assert.Contains("is a job of batch 'b-first'", conflict.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, renamed.Status);
        Assert.Equal(2, (await _api.Jobs.GetBatchAsync("b-second"))!.ExpectedJobs);
        Assert.Equal(HttpStatusCode.OK, firstAgain.Status);
    }

    private static BatchBody Batch(string batchId, long[] seeds) =>
        new(batchId, [.. seeds.Select(seed => new { kind = "generation", steps = 2, seed })], null);

    private static List<string> Fields(JsonObject problem) => [.. problem["fields"]!.AsArray().Select(f => f!.GetValue<string>())];

    private async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(string path, object body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
    }

    /// <summary>A batch request body (a record, so a test can vary one part with <c>with</c>).</summary>
    private sealed record BatchBody(string batchId, object[] jobs, string? callbackUrl);
}
