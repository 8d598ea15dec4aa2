using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;

namespace Pipeline.Client.Tests;

public sealed class ApiClientTests : IAsyncLifetime
{
    private StubApi _api = null!;

    public async Task InitializeAsync() => _api = await StubApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task GetBatch_ServiceUnavailableTwice_RetriesAndReturnsStatus()
    {
        _api.Handle = (context, n) => n <= 2 ? Status(context, 503) : Json(context, 200, new { batchId = "b1", status = "open", expectedJobs = 3, counts = new { succeeded = 1, running = 2 } });
        using var services = _api.CreateClientServices();

        var status = await services.GetRequiredService<PipelineApiClient>().GetBatchAsync("b1");

        Assert.NotNull(status);
        Assert.Equal(3, status.Expected);
        Assert.Equal(1, status.Counts.Succeeded);
        Assert.Equal(2, status.Counts.Running);
        Assert.False(status.IsCompleted);
        Assert.Equal(3, _api.Requests.Count);
        Assert.All(_api.Requests, r => Assert.Equal("test-key", r.ApiKey));
        Assert.All(_api.Requests, r => Assert.Equal("/v1/batches/b1", r.PathAndQuery));
    }

    [Fact]
    public async Task SubmitBatch_ServerErrorThenAccepted_ResendsTheSameBody()
    {
        _api.Handle = (context, n) => n == 1 ? Status(context, 500) : Json(context, 202, new { batchId = "b2", status = "open", expectedJobs = 1 });
        using var services = _api.CreateClientServices();
        var batch = new BatchRequest { BatchId = "b2", Jobs = [new JobRequest { JobId = "j1", Kind = JobKinds.Generation, Seed = 7 }] };

        var submission = await services.GetRequiredService<PipelineApiClient>().SubmitBatchAsync(batch);

        Assert.Equal("b2", submission.Batch.BatchId);
        Assert.True(submission.Created);
        var requests = _api.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r => Assert.Equal("POST", r.Method));
        Assert.Equal(requests[0].Body, requests[1].Body);
        using var json = JsonDocument.Parse(requests[1].Body);
        Assert.Equal("j1", json.RootElement.GetProperty("jobs")[0].GetProperty("jobId").GetString());
        Assert.Equal(7, json.RootElement.GetProperty("jobs")[0].GetProperty("seed").GetInt64());
        Assert.False(json.RootElement.GetProperty("jobs")[0].TryGetProperty("batchId", out _));
    }

    [Fact]
    public async Task SubmitBatch_BadRequest_NotRetriedAndProblemDetailInMessage()
    {
        _api.Handle = (context, _) => Json(context, 400, new { title = "Bad request", detail = "jobs[0]: kind must be one of generation, variation, inpainting" });
        using var services = _api.CreateClientServices();
        var batch = new BatchRequest { BatchId = "b3", Jobs = [new JobRequest { JobId = "j1", Kind = JobKinds.Generation }] };

        var error = await Assert.ThrowsAsync<PipelineApiException>(() => services.GetRequiredService<PipelineApiClient>().SubmitBatchAsync(batch));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("kind must be one of", error.Message, StringComparison.Ordinal);
        Assert.Single(_api.Requests);
    }

    [Fact]
    public async Task GetBatch_AlwaysUnavailable_GivesUpAfterMaxRetries()
    {
        _api.Handle = (context, _) => Status(context, 503);
        using var services = _api.CreateClientServices(maxRetries: 2);

        var error = await Assert.ThrowsAsync<PipelineApiException>(() => services.GetRequiredService<PipelineApiClient>().GetBatchAsync("b4"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(3, _api.Requests.Count);
    }

    [Fact]
    public async Task GetBatch_TooManyRequestsWithRetryAfter_Retried()
    {
        _api.Handle = (context, n) =>
        {
            if (n == 1)
            {
                context.Response.Headers.RetryAfter = "0";
                return Status(context, 429);
            }

            return Json(context, 200, new { batchId = "b5", status = "completed", expectedJobs = 1, counts = new { succeeded = 1 } });
        };
        using var services = _api.CreateClientServices();

        var status = await services.GetRequiredService<PipelineApiClient>().GetBatchAsync("b5");

        Assert.True(status!.IsCompleted);
        Assert.Equal(2, _api.Requests.Count);
    }

    [Fact]
    public async Task GetBatch_NotFound_ReturnsNullWithoutRetry()
    {
        using var services = _api.CreateClientServices();

        Assert.Null(await services.GetRequiredService<PipelineApiClient>().GetBatchAsync("nope"));
        Assert.Single(_api.Requests);
    }

    [Theory]
    [InlineData("../admin")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task GetBatch_MalformedId_RejectedBeforeAnyRequest(string batchId)
    {
        using var services = _api.CreateClientServices();

        await Assert.ThrowsAsync<ArgumentException>(() => services.GetRequiredService<PipelineApiClient>().GetBatchAsync(batchId));
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Watch_ReportsEachChangeOnceAndReturnsWhenCompleted()
    {
        var answers = new object?[]
        {
            null, // not recorded yet: the batch is still in the queue
            new { batchId = "b6", status = "open", expectedJobs = 2, counts = new { queued = 2 } },
            new { batchId = "b6", status = "open", expectedJobs = 2, counts = new { queued = 2 } },
            new { batchId = "b6", status = "open", expectedJobs = 2, counts = new { running = 1, succeeded = 1 } },
            new { batchId = "b6", status = "completed", expectedJobs = 2, counts = new { succeeded = 1, failed = 1 } },
        };
        _api.Handle = (context, n) => answers[Math.Min(n, answers.Length) - 1] is { } body ? Json(context, 200, body) : Status(context, 404);
        using var services = _api.CreateClientServices();
        var reports = new List<BatchView>();

        var final = await new BatchWatcher(services.GetRequiredService<PipelineApiClient>()) { Interval = TimeSpan.FromMilliseconds(1) }
            .WatchAsync("b6", new SyncProgress<BatchView>(reports.Add));

        Assert.True(final.IsCompleted);
        Assert.Equal(3, reports.Count);
        Assert.Equal([0, 1, 2], reports.Select(r => r.Counts.Ended));
        Assert.Equal(5, _api.Requests.Count);
    }

    [Fact]
    public async Task Fetch_PagesJobsDownloadsSucceededAndResumes()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 };
        _api.Handle = (context, _) => context.Request.Path.Value switch
        {
            "/v1/batches/b7/jobs" when !context.Request.Query.ContainsKey("after") => Json(context, 200, new
            {
                jobs = new object[] { new { jobId = "j1", status = "succeeded" }, new { jobId = "j2", status = "failed", error = new { code = "image_too_large", message = "too large" } } },
                next = "j2",
            }),
            "/v1/batches/b7/jobs" => Json(context, 200, new { jobs = new object[] { new { jobId = "j3", status = "succeeded" } } }),
            "/v1/jobs/j1/result" or "/v1/jobs/j3/result" => Bytes(context, png),
            _ => Status(context, 404),
        };
        using var services = _api.CreateClientServices();
        var directory = Directory.CreateTempSubdirectory("pipeline-fetch-").FullName;
        try
        {
            var fetcher = new BatchFetcher(services.GetRequiredService<PipelineApiClient>()) { PageSize = 2 };

            var first = await fetcher.FetchAsync("b7", directory);
            var second = await fetcher.FetchAsync("b7", directory);

            Assert.Equal(new FetchSummary { Downloaded = 2, NotSucceeded = 1 }, first);
            Assert.Equal(new FetchSummary { Skipped = 2, NotSucceeded = 1 }, second);
            Assert.Equal(png, await File.ReadAllBytesAsync(Path.Join(directory, "j3.png")));
            Assert.Equal(["j1.png", "j3.png", "jobs.jsonl"], Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Contains("image_too_large", await File.ReadAllTextAsync(Path.Join(directory, "jobs.jsonl")), StringComparison.Ordinal);
            Assert.Contains(_api.Requests, r => r.PathAndQuery == "/v1/batches/b7/jobs?limit=2&after=j2");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Task Status(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static Task Json(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(body);
    }

    private static Task Bytes(HttpContext context, byte[] body)
    {
        context.Response.ContentType = "image/png";
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
