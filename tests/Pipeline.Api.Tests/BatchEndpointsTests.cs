using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Api.Endpoints;
using Pipeline.Storage.Jobs;

namespace Pipeline.Api.Tests;

/// <summary>The batch endpoints' answers as any HTTP client sees them (shapes, paging, problems, OpenAPI).</summary>
public sealed class BatchEndpointsTests : IAsyncLifetime
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
    public async Task ListJobs_PagedByLimit_NextLeadsThroughEveryJobAndIsNullOnTheLastPage()
    {
        await SubmitAsync("b1", 5);

        var seen = new List<string>();
        var nexts = new List<string?>();
        string? after = null;
        do
        {
            var page = await GetObjectAsync($"/v1/batches/b1/jobs?limit=2{(after is null ? "" : "&after=" + after)}");
            seen.AddRange(page["jobs"]!.AsArray().Select(j => j!["jobId"]!.GetValue<string>()));
            after = page["next"]?.GetValue<string>();
            nexts.Add(after);
        }
        while (after is not null);

        Assert.Equal(["b1.0", "b1.1", "b1.2", "b1.3", "b1.4"], seen);
        Assert.Equal(["b1.1", "b1.3", null], nexts);
    }

    [Fact]
    public async Task ListJobs_LastPageExactlyFull_NextIsNullNotAnEmptyPage()
    {
        await SubmitAsync("b2", 4);

        var first = await GetObjectAsync("/v1/batches/b2/jobs?limit=2");
        var second = await GetObjectAsync("/v1/batches/b2/jobs?limit=2&after=" + first["next"]!.GetValue<string>());

        Assert.Equal("b2.1", first["next"]!.GetValue<string>());
        Assert.Equal(2, second["jobs"]!.AsArray().Count);
        // Written as "next": null, as documented, not left out.
        Assert.True(second.TryGetPropertyValue("next", out var next), second.ToJsonString());
        Assert.Null(next);
    }

    [Fact]
    public async Task ListJobs_NoLimitOrTooLarge_DefaultAndCapApplied()
    {
        await SubmitAsync("b3", 3);

        var plain = await GetObjectAsync("/v1/batches/b3/jobs");
        await GetObjectAsync("/v1/batches/b3/jobs?limit=5000");

        Assert.Equal(3, plain["jobs"]!.AsArray().Count);
        Assert.True(plain.TryGetPropertyValue("next", out var next) && next is null, plain.ToJsonString());
        Assert.Equal([BatchEndpoints.DefaultPageSize, BatchEndpoints.MaxPageSize],
            _api.Jobs.Listed.Where(l => l.After is null).Select(l => l.Limit));
    }

    [Fact]
    public async Task ListJobs_JobsAreJobViewsWithErrors()
    {
        await SubmitAsync("b4", 2);
        _api.Jobs.End("b4.0", JobStatus.Succeeded);
        _api.Jobs.End("b4.1", JobStatus.Failed, "image_undecodable", "the source image could not be decoded");

        var jobs = (await GetObjectAsync("/v1/batches/b4/jobs"))["jobs"]!.AsArray();

        Assert.Equal("succeeded", jobs[0]!["status"]!.GetValue<string>());
        Assert.Equal("/v1/jobs/b4.0/result", jobs[0]!["resultUrl"]!.GetValue<string>());
        Assert.Equal("failed", jobs[1]!["status"]!.GetValue<string>());
        Assert.Equal("image_undecodable", jobs[1]!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetBatch_CountsByStatusAndCompletedOnceAllEnded()
    {
        await SubmitAsync("b5", 3);
        _api.Jobs.End("b5.0", JobStatus.Succeeded);
        var open = await GetObjectAsync("/v1/batches/b5");
        _api.Jobs.End("b5.1", JobStatus.Failed, "unknown_model", "no such pack");
        _api.Jobs.End("b5.2", JobStatus.Succeeded);
        var completed = await GetObjectAsync("/v1/batches/b5");

        Assert.Equal("open", open["status"]!.GetValue<string>());
        Assert.Equal(3, open["expectedJobs"]!.GetValue<int>());
        Assert.Equal(2, open["counts"]!["queued"]!.GetValue<int>());
        Assert.Equal(1, open["counts"]!["succeeded"]!.GetValue<int>());
        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        Assert.Equal(2, completed["counts"]!["succeeded"]!.GetValue<int>());
        Assert.Equal(1, completed["counts"]!["failed"]!.GetValue<int>());
        Assert.NotNull(completed["completedAt"]);
    }

    [Theory]
    [InlineData("/v1/batches/nope")]
    [InlineData("/v1/batches/nope/jobs")]
    public async Task UnknownBatch_NotFoundProblem(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("nope", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoOrWrongApiKey_Unauthorized()
    {
        using var anonymous = _api.CreateHttp(apiKey: null);
        using var wrong = _api.CreateHttp(apiKey: "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/v1/batches/b1", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri("/v1/batches/b1", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task OpenApi_ListBatchJobsAnswersAPageWithJobsAndNext()
    {
        using var anonymous = _api.CreateHttp(apiKey: null);
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));

        var get = document.RootElement.GetProperty("paths").GetProperty("/v1/batches/{batchId}/jobs").GetProperty("get");
        var schema = get.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var reference = schema.GetProperty("$ref").GetString()!;
        var page = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(reference.Split('/')[^1]);
        var parameters = get.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();

        Assert.Equal("ListBatchJobs", get.GetProperty("operationId").GetString());
        Assert.True(page.GetProperty("properties").TryGetProperty("jobs", out _), page.ToString());
        Assert.True(page.GetProperty("properties").TryGetProperty("next", out _), page.ToString());
        Assert.Contains("after", parameters);
        Assert.Contains("limit", parameters);
    }

    [Fact]
    public async Task OpenApi_DeclaresTheApiKeyHeader()
    {
        using var anonymous = _api.CreateHttp(apiKey: null);
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));

        var scheme = document.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        var requirement = document.RootElement.GetProperty("security")[0];

        Assert.Equal(("apiKey", "header", "X-Api-Key"),
            (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));
        Assert.True(requirement.TryGetProperty("ApiKey", out _), requirement.ToString());
    }

    private async Task SubmitAsync(string batchId, int count)
    {
        var body = new { batchId, jobs = Enumerable.Range(0, count).Select(_ => new { kind = "generation", steps = 2 }).ToArray() };
        using var response = await _http.PostAsJsonAsync(new Uri("/v1/batches", UriKind.Relative), body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonObject> GetObjectAsync(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
