using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Client;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;

namespace Pipeline.Api.Tests;

/// <summary>Pipeline.Client against the Api's real endpoints: the two sides agree on every shape the CLI uses.</summary>
public sealed class ClientContractTests : IAsyncLifetime
{
    private InMemoryApi _api = null!;
    private ServiceProvider _services = null!;
    private string _directory = null!;

    private PipelineApiClient Client => _services.GetRequiredService<PipelineApiClient>();

    public async Task InitializeAsync()
    {
        _api = await InMemoryApi.StartAsync();
        _services = Services(InMemoryApi.ApiKey);
        _directory = Directory.CreateTempSubdirectory("pipeline-contract-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _api.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task SubmitManifest_LocalImageFiles_EachUploadedOnceAndJobsCarryTheirKeys()
    {
        var cat = WriteFile("images/cat.png", ValidImages.Png(48, 40));
        var mask = WriteFile("images/mask.png", ValidImages.Mask(48, 40, 4, 4, 10, 10));
        var manifest = await ReadAsync("m1", """
            {"kind":"generation","steps":2,"seed":1}
            {"kind":"variation","sourceImageFile":"images/cat.png","strength":0.4}
            {"kind":"variation","sourceImageFile":"images/cat.png","strength":0.8}
            {"kind":"inpainting","sourceImageFile":"images/cat.png","maskImageFile":"images/mask.png","priority":"bulk"}
            """);

        var first = await new ManifestSubmitter(Client).SubmitAsync(manifest);
        var again = await new ManifestSubmitter(Client).SubmitAsync(manifest);

        Assert.True(Assert.Single(first).Created);
        Assert.False(Assert.Single(again).Created);
        Assert.Equal(4, first[0].Batch.ExpectedJobs);
        Assert.Equal(4, first[0].Batch.Counts.Queued);
        var variation = (await _api.Jobs.GetAsync("m1-000002"))!.ReadRequest();
        var inpainting = (await _api.Jobs.GetAsync("m1-000004"))!.ReadRequest();
        Assert.Equal(Key(cat), variation.SourceImageKey);
        Assert.Equal("m1", variation.BatchId);
        Assert.Equal(0.4f, variation.Strength);
        Assert.Equal(Key(cat), inpainting.SourceImageKey);
        Assert.Equal(Key(mask), inpainting.MaskImageKey);
        Assert.Equal(JobPriorities.Bulk, inpainting.Priority);
        Assert.Equal(1L, (await _api.Jobs.GetAsync("m1-000001"))!.ReadRequest().Seed);
        Assert.Equal(4, _api.Inputs.Puts); // two distinct files, once per submission
    }

    [Fact]
    public async Task SubmitManifest_InlineBase64Image_UploadedAndKeyed()
    {
        var bytes = ValidImages.Png(20, 20, variant: 9);
        var manifest = await ReadAsync("m2", $$"""{"kind":"variation","sourceImage":"{{Convert.ToBase64String(bytes)}}"}""");

        await new ManifestSubmitter(Client).SubmitAsync(manifest);

        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)), (await _api.Jobs.GetAsync("m2-000001"))!.ReadRequest().SourceImageKey);
    }

    [Fact]
    public async Task SubmitManifest_MoreThanOneBatch_SplitInLineOrderWithNumberedBatchIds()
    {
        var lines = string.Join('\n', Enumerable.Range(0, SubmitBatch.MaxJobs + 5).Select(_ => """{"kind":"generation","steps":1}"""));
        var manifest = await ReadAsync("big", lines);

        var submitted = await new ManifestSubmitter(Client).SubmitAsync(manifest);

        Assert.Equal(["big-1", "big-2"], submitted.Select(s => s.Batch.BatchId));
        Assert.Equal([SubmitBatch.MaxJobs, 5], submitted.Select(s => s.Batch.ExpectedJobs ?? 0));
        Assert.Equal("big-2", (await _api.Jobs.GetAsync("big-001001"))!.BatchId);
    }

    [Fact]
    public async Task WatchAndFetch_EndedBatch_CountsMatchAndResultsAndJobListWritten()
    {
        await new ManifestSubmitter(Client).SubmitAsync(await ReadAsync("w1", string.Join('\n', Enumerable.Repeat("""{"kind":"generation"}""", 5))));
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 7 };
        foreach (var id in new[] { "w1-000001", "w1-000002", "w1-000004", "w1-000005" })
        {
            _api.Results.Put(id, png);
            _api.Jobs.End(id, JobStatus.Succeeded);
        }

        var open = await Client.GetBatchAsync("w1");
        _api.Jobs.End("w1-000003", JobStatus.Failed, "image_undecodable", "not an image");
        var final = await new BatchWatcher(Client) { Interval = TimeSpan.FromMilliseconds(10) }.WatchAsync("w1");
        var output = Path.Join(_directory, "out");
        var summary = await new BatchFetcher(Client) { PageSize = 2 }.FetchAsync("w1", output);

        Assert.False(open!.IsCompleted);
        Assert.Equal(4, open.Counts.Succeeded);
        Assert.True(final.IsCompleted);
        Assert.Equal((5, 4, 1, 5), (final.Expected, final.Counts.Succeeded, final.Counts.Failed, final.Counts.Ended));
        Assert.Equal(new FetchSummary { Downloaded = 4, NotSucceeded = 1 }, summary);
        Assert.Equal(png, await File.ReadAllBytesAsync(Path.Join(output, "w1-000005.png")));
        var jobs = (await File.ReadAllLinesAsync(Path.Join(output, BatchFetcher.JobsFileName))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, jobs.Count);
        Assert.Equal("image_undecodable", jobs[2].GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("w1-000001.png", jobs[0].GetProperty("file").GetString());
        Assert.Equal(JsonValueKind.Null, jobs[2].GetProperty("file").ValueKind);
    }

    [Fact]
    public async Task Fetch_JobsJsonl_ExactlyTheDocumentedFieldsAndPlainTimestamps()
    {
        var manifest = await ReadAsync("w2", """{"kind":"generation","steps":2}""" + "\n" + """{"kind":"generation","steps":2}""");
        await new ManifestSubmitter(Client).SubmitAsync(manifest);
        _api.Results.Put("w2-000001", [0x89, 0x50, 0x4E, 0x47]);
        _api.Jobs.End("w2-000001", JobStatus.Succeeded);
        _api.Jobs.End("w2-000002", JobStatus.Failed, "image_undecodable", "not an image");
        var output = Path.Join(_directory, "format");

        await new BatchFetcher(Client).FetchAsync("w2", output);

        // The list the CLI's README gives, in its order, on every line (null where there is no value); the API's job view
        // has more (progress, result URLs, …) and the client's own helpers (isSucceeded) must not leak into the file.
        string[] documented = ["jobId", "batchId", "kind", "priority", "status", "stepsUsed", "attempts", "error", "submittedAt", "finishedAt", "file"];
        var text = await File.ReadAllTextAsync(Path.Join(output, BatchFetcher.JobsFileName));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line => Assert.Equal(documented, line.EnumerateObject().Select(p => p.Name)));
        Assert.Equal(["code", "message", "retryable"], lines[1].GetProperty("error").EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("stepsUsed").ValueKind);
        // Timestamps as ISO 8601 with their offset spelled plainly, not with '+' escaped as \u002B.
        Assert.DoesNotContain("\\u002B", text, StringComparison.OrdinalIgnoreCase);
        Assert.Matches(@"""submittedAt"":""\d{4}-\d\d-\d\dT[0-9:.]+\+00:00""", text);
        Assert.Equal(lines[0].GetProperty("submittedAt").GetDateTimeOffset(), (await _api.Jobs.GetAsync("w2-000001"))!.SubmittedAt);
    }

    [Fact]
    public async Task WrongApiKey_UnauthorizedApiException()
    {
        await using var wrong = Services("wrong-key");

        var error = await Assert.ThrowsAsync<PipelineApiException>(() => wrong.GetRequiredService<PipelineApiClient>().GetBatchAsync("any"));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task ListJobs_UnknownBatch_NotFoundApiException()
    {
        var error = await Assert.ThrowsAsync<PipelineApiException>(() => Client.ListBatchJobsAsync("nope", after: null));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("no batch has the id 'nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UploadInput_Empty_BadRequestWithCode()
    {
        var error = await Assert.ThrowsAsync<PipelineApiException>(() => Client.UploadInputAsync(ReadOnlyMemory<byte>.Empty));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("input_empty", Assert.Single(error.FieldErrors).Code);
    }

    [Fact]
    public async Task SubmitBatch_CanvasBadSizes_BadRequestWithCanvasCodesOnTheirFields()
    {
        var error = await Assert.ThrowsAsync<PipelineApiException>(() => Client.SubmitBatchAsync(new BatchRequest
        {
            BatchId = "canvas-bad",
            Jobs =
            [
                new JobRequest { JobId = "wide", Kind = JobKinds.Generation, Width = 96 },
                new JobRequest { JobId = "out", Kind = JobKinds.Outpainting, SourceImageKey = "sha256:" + new string('0', 64), Extend = new CanvasExtend() },
                new JobRequest { JobId = "join", Kind = JobKinds.Stitching, SourceImageKey = "sha256:" + new string('0', 64), JoinPixels = 4 },
            ],
        }));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains(error.FieldErrors, e => e is { Field: "jobs[0].width", Code: ContractErrorCodes.CanvasSizeInvalid });
        Assert.Contains(error.FieldErrors, e => e is { Field: "jobs[1].extend", Code: ContractErrorCodes.ExtendInvalid });
        Assert.Contains(error.FieldErrors, e => e is { Code: ContractErrorCodes.MissingSourceImage } && e.Field.StartsWith("jobs[2]", StringComparison.Ordinal));
    }

    private ServiceProvider Services(string apiKey)
    {
        var services = new ServiceCollection();
        services.AddPipelineClient(o =>
        {
            o.BaseAddress = _api.BaseAddress;
            o.ApiKey = apiKey;
            o.MaxRetryAttempts = 0;
        });
        return services.BuildServiceProvider();
    }

    private Task<Manifest> ReadAsync(string batchId, string text) => JobManifestReader.ReadAsync(new StringReader(text), batchId, _directory);

    private string WriteFile(string relative, byte[] bytes)
    {
        var path = Path.Join(_directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Key(string path) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
