using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;

namespace Pipeline.Client.Tests;

/// <summary>Manifest submission against a stub API (problems mapped back to lines), and the client's error types.</summary>
public sealed class SubmitAndErrorsTests : IAsyncLifetime
{
    private StubApi _api = null!;

    public async Task InitializeAsync() => _api = await StubApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Submit_ApiRejectsAnItem_ManifestExceptionOnThatItemsLine()
    {
        _api.Handle = (context, _) => Json(context, 400, new
        {
            title = "The request is not valid",
            errors = new Dictionary<string, string[]> { ["jobs[1].modelPack"] = ["modelPack must match ^[a-z0-9-]+$"] },
            codes = new Dictionary<string, string[]> { ["jobs[1].modelPack"] = [ContractErrorCodes.InvalidModelPack] },
        });
        using var services = _api.CreateClientServices();
        var manifest = await JobManifestReader.ReadAsync(new StringReader("""
            {"kind":"generation"}

            {"kind":"generation"}
            """), "b1");

        var error = await Assert.ThrowsAsync<ManifestException>(() => new ManifestSubmitter(services.GetRequiredService<PipelineApiClient>()).SubmitAsync(manifest));

        var line = Assert.Single(error.Errors);
        Assert.Equal((3, ContractErrorCodes.InvalidModelPack), (line.Line, line.Code));
        Assert.Contains("modelPack must match", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_ImageTooLargeForTheApi_OneErrorOnTheFirstLineUsingIt()
    {
        _api.Handle = (context, _) => context.Request.Path == "/v1/inputs"
            ? Json(context, 413, new { title = "The upload is too large", detail = "the input is larger than 16 bytes", code = "input_too_large" })
            : Json(context, 202, new { batchId = "b2", status = "open" });
        using var services = _api.CreateClientServices();
        var directory = Directory.CreateTempSubdirectory("pipeline-manifest-").FullName;
        try
        {
            await File.WriteAllBytesAsync(Path.Join(directory, "big.png"), new byte[100]);
            var manifest = await JobManifestReader.ReadAsync(new StringReader("""
                {"kind":"generation"}
                {"kind":"variation","sourceImageFile":"big.png"}
                {"kind":"variation","sourceImageFile":"big.png"}
                """), "b2", directory);

            var error = await Assert.ThrowsAsync<ManifestException>(
                () => new ManifestSubmitter(services.GetRequiredService<PipelineApiClient>()).SubmitAsync(manifest));

            var line = Assert.Single(error.Errors);
            Assert.Equal((2, "input_too_large"), (line.Line, line.Code));
            Assert.Contains("sourceImageFile 'big.png'", line.Message, StringComparison.Ordinal);
            Assert.Contains("1 more line", line.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(_api.Requests, r => r.PathAndQuery == "/v1/batches");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Submit_Progress_ReportsUploadsThenEachBatch()
    {
        _api.Handle = (context, _) => context.Request.Path == "/v1/inputs"
            ? Json(context, 201, new { key = "sha256:" + new string('a', 64), length = 3 })
            : Json(context, 202, new { batchId = "b3", status = "open", expectedJobs = 1 });
        using var services = _api.CreateClientServices();
        var manifest = await JobManifestReader.ReadAsync(new StringReader("""{"kind":"variation","sourceImage":"AQID"}"""), "b3");
        var reports = new List<ManifestSubmitProgress>();

        await new ManifestSubmitter(services.GetRequiredService<PipelineApiClient>()).SubmitAsync(manifest, new SyncProgress<ManifestSubmitProgress>(reports.Add));

        Assert.Equal([(1, 1, 0), (1, 1, 1)], reports.Select(r => (r.ImagesUploaded, r.Images, r.Submitted.Count)));
        Assert.Contains("\"sourceImageKey\":\"sha256:aaaa", _api.Requests.Last().Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"sourceImage\"", _api.Requests.Last().Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingListening_UnreachableExceptionNamingTheAddress_AfterRetriesReported()
    {
        var port = FreePort();
        var retries = new List<PipelineRetry>();
        var services = new ServiceCollection();
        services.AddPipelineClient(o =>
        {
            o.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
            o.MaxRetryAttempts = 2;
            o.BaseDelay = TimeSpan.FromMilliseconds(1);
            o.OnRetry = retries.Add;
        });
        await using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<PipelineApiUnreachableException>(() => provider.GetRequiredService<PipelineApiClient>().GetBatchAsync("b4"));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Equal([1, 2], retries.Select(r => r.Attempt));
    }

    [Fact]
    public async Task ValidationProblem_MessageListsTheFieldErrors()
    {
        _api.Handle = (context, _) => Json(context, 400, new
        {
            title = "The request is not valid",
            errors = new Dictionary<string, string[]> { ["batchId"] = ["batchId must match ^[A-Za-z0-9]"] },
        });
        using var services = _api.CreateClientServices();

        var error = await Assert.ThrowsAsync<PipelineApiException>(() => services.GetRequiredService<PipelineApiClient>()
            .SubmitBatchAsync(new BatchRequest { BatchId = "b5", Jobs = [new JobRequest { Kind = JobKinds.Generation }] }));

        Assert.Contains("batchId: batchId must match", error.Message, StringComparison.Ordinal);
        Assert.Equal("batchId", Assert.Single(error.FieldErrors).Field);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task Json(HttpContext context, int status, object body)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(body);
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
