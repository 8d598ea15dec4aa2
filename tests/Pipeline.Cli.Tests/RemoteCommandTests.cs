using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Pipeline.Cli.Tests;

/// <summary>submit, watch and fetch against a stand-in API on loopback: output, files, errors and exit codes.</summary>
public sealed class RemoteCommandTests : IAsyncLifetime
{
    private FakeApi _api = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeApi.StartAsync();
        _dir = Cli.TempDirectory();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private Dictionary<string, string> Env(string? key = FakeApi.Key)
    {
        var env = new Dictionary<string, string> { ["PIPELINE_API_URL"] = _api.BaseAddress.ToString() };
        if (key is not null)
        {
            env["PIPELINE_API_KEY"] = key;
        }

        return env;
    }

    private Task<CliRun> Run(params string[] args) => Cli.RunAsync(Env(), args);

    private string Manifest(params string[] lines)
    {
        var path = Path.Combine(_dir, "jobs.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public async Task Submit_ManifestWithLocalImage_PrintsTheBatchIdAndSendsKeysNotPaths()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "in"));
        var png = await File.ReadAllBytesAsync(Cli.WritePng(Path.Combine(_dir, "in"), "cat.png", 16, 16));
        var manifest = Manifest(
            """{"kind":"generation","steps":4,"priority":"bulk"}""",
            """{"kind":"variation","sourceImageFile":"in/cat.png","strength":0.3}""",
            """{"kind":"inpainting","sourceImageFile":"in/cat.png","maskRectangles":[{"x":0,"y":0,"width":8,"height":8}]}""");

        var run = await Run("submit", manifest, "--batch-id", "b1");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("b1", run.Out.Trim());
        var batch = _api.Batches["b1"];
        Assert.Equal(["b1-000001", "b1-000002", "b1-000003"], batch.Jobs.Select(j => j.JobId));
        var key = Assert.Single(_api.Inputs.Keys);
        Assert.Equal(png, _api.Inputs[key]);
        Assert.Equal(key, batch.Jobs[1].Request["sourceImageKey"]!.GetValue<string>());
        Assert.Null(batch.Jobs[1].Request["sourceImageFile"]);
        Assert.Equal("bulk", batch.Jobs[0].Request["priority"]!.GetValue<string>());
        Assert.Contains("3 jobs, 1 local image(s) to upload", run.Error, StringComparison.Ordinal);
        Assert.Contains("pipeline fetch b1", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_SameBatchIdAgain_NothingDuplicatedAndSaysSo()
    {
        var manifest = Manifest("""{"kind":"generation"}""");

        var first = await Run("submit", manifest, "--batch-id", "b2");
        var second = await Run("submit", manifest, "--batch-id", "b2");

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.Contains("already submitted", second.Error, StringComparison.Ordinal);
        Assert.Single(_api.Batches["b2"].Jobs);
    }

    [Fact]
    public async Task Submit_NoBatchId_GeneratedFromTheManifestName()
    {
        var run = await Run("submit", Manifest("""{"kind":"generation"}"""));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"^jobs-\d{8}-\d{6}-[0-9a-f]{6}$", run.Out.Trim());
    }

    [Fact]
    public async Task Submit_Watch_AllSucceed_Exit0WithProgressAndSummary()
    {
        _api.Outcome = _ => ("succeeded", null, null);

        var run = await Run("submit", Manifest("""{"kind":"generation"}""", """{"kind":"generation"}"""), "--batch-id", "b3", "--watch", "--interval", "0.05");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("b3: 2/2 ended: 2 succeeded, 0 failed, 0 canceled", run.Error, StringComparison.Ordinal);
        Assert.Contains("b3 completed in", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_Watch_SomeFail_Exit1AndReasonsGroupedWithJobIds()
    {
        _api.Outcome = job => job.JobId.EndsWith('2') || job.JobId.EndsWith('3')
            ? ("failed", "image_undecodable", "the source image could not be decoded")
            : ("succeeded", null, null);
        var manifest = Manifest("""{"kind":"generation"}""", """{"kind":"generation"}""", """{"kind":"generation"}""", """{"kind":"generation"}""");

        var run = await Run("submit", manifest, "--batch-id", "b4", "--watch", "--interval", "0.05");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("2 succeeded, 2 failed, 0 canceled of 4", run.Error, StringComparison.Ordinal);
        Assert.Contains("2 job(s) failed [image_undecodable]: the source image could not be decoded (b4-000002, b4-000003)", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_MoreThan1000Jobs_SplitIntoNumberedBatchesOneIdPerLine()
    {
        var manifest = Manifest([.. Enumerable.Repeat("""{"kind":"generation","steps":2}""", 1001)]);

        var run = await Run("submit", manifest, "--batch-id", "big");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(["big-1", "big-2"], run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal((1000, 1), (_api.Batches["big-1"].Jobs.Count, _api.Batches["big-2"].Jobs.Count));
        Assert.Equal("big-001001", _api.Batches["big-2"].Jobs[0].JobId);
    }

    [Fact]
    public async Task Submit_MalformedManifest_Exit2WithLineNumbersAndNothingSent()
    {
        var manifest = Manifest(
            """{"kind":"generation"}""",
            """{"kind":"generation", steps: 4}""",
            "",
            """{"kind":"variation"}""",
            """{"kind":"variation","sourceImageFile":"nowhere.png"}""",
            """{"kind":"generation","step":4}""");

        var run = await Run("submit", manifest, "--batch-id", "bad");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Out);
        Assert.Contains("the manifest has 4 problem(s)", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 2: not valid JSON", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 4: variation needs a source image", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 5: sourceImageFile 'nowhere.png' does not exist", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 6: unknown field 'step'", run.Error, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Submit_MissingManifest_Exit2()
    {
        var run = await Run("submit", Path.Combine(_dir, "absent.jsonl"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong-key", "refused the API key")]
    [InlineData(null, "needs an API key")]
    public async Task Submit_WrongOrNoKey_Exit2SayingHowToGiveOne(string? key, string expected)
    {
        var run = await Cli.RunAsync(Env(key), "submit", Manifest("""{"kind":"generation"}"""), "--batch-id", "b5");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.Contains("PIPELINE_API_KEY", run.Error, StringComparison.Ordinal);
        Assert.Contains("401", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_OptionsOverrideEnvironment()
    {
        var env = new Dictionary<string, string> { ["PIPELINE_API_URL"] = "http://127.0.0.1:1/", ["PIPELINE_API_KEY"] = "wrong" };

        var run = await Cli.RunAsync(env, "submit", Manifest("""{"kind":"generation"}"""), "--batch-id", "b6",
            "--api", _api.BaseAddress.ToString(), "--api-key", FakeApi.Key);

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task Submit_NothingListening_Exit3NamingTheAddressAndTheRerun()
    {
        var url = $"http://127.0.0.1:{FreePort()}/";

        var run = await Cli.RunAsync(new Dictionary<string, string> { ["PIPELINE_API_KEY"] = "k" },
            "submit", Manifest("""{"kind":"generation"}"""), "--batch-id", "b7", "--api", url, "--retries", "1");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"cannot reach the API at {url}", run.Error, StringComparison.Ordinal);
        Assert.Contains("retry 1 of 1", run.Error, StringComparison.Ordinal);
        Assert.Contains("--batch-id b7", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    // Failing (5xx): exit 3, and running the same command again completes the batch.
    [InlineData(503, 3, "completes it without duplicates", "the API refused")]
    // Refused (4xx): the same run would be refused again, so it says to change the manifest first.
    [InlineData(409, 2, "the API refused the next", "completes it without duplicates")]
    public async Task Submit_ApiFailingOrRefusing_ExitCodeAndTheAdviceThatFits(int status, int exitCode, string advice, string notAdvice)
    {
        _api.FailWith = status;

        var run = await Run("submit", Manifest("""{"kind":"generation"}"""), "--batch-id", "b8", "--retries", "0");

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Error, StringComparison.Ordinal);
        Assert.Contains(advice, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(notAdvice, run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://host/")]
    public async Task Submit_BadApiUrl_Exit2(string url)
    {
        var run = await Run("submit", Manifest("""{"kind":"generation"}"""), "--api", url);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--api must be the API's http(s) base URL", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_BadBatchId_Exit2BeforeAnyRequest()
    {
        var run = await Run("submit", Manifest("""{"kind":"generation"}"""), "--batch-id", "../x");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--batch-id '../x'", run.Error, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task Watch_UnknownBatch_Exit2()
    {
        var run = await Run("watch", "nope");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("nope", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_SeveralBatches_OneSummaryOverAll()
    {
        _api.AddBatch("w-1", 3);
        _api.AddBatch("w-2", 2);
        _api.Outcome = _ => ("succeeded", null, null);

        var run = await Run("watch", "w-1", "w-2", "--interval", "0.05");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("5 succeeded, 0 failed, 0 canceled of 5", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_BatchFinishedEarlier_ReportsTheBatchsOwnDuration()
    {
        var batch = _api.AddBatch("done", 2);
        batch.Jobs.ForEach(j => j.Status = "succeeded");
        batch.SubmittedAt = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        batch.CompletedAt = batch.SubmittedAt.AddSeconds(83.5);

        var run = await Run("watch", "done", "--interval", "0.05");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("done completed in 83.5 s: 2 succeeded, 0 failed, 0 canceled of 2", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_CompletedBatch_PngPerJobAndJobsJsonl_RerunSkipsWhatIsThere()
    {
        var batch = _api.AddBatch("f1", 3);
        batch.Jobs.ForEach(j => j.Status = "succeeded");
        var output = Path.Combine(_dir, "out");

        var first = await Run("fetch", "f1", "--out", output);
        File.Delete(Path.Combine(output, "f1-000002.png"));
        var second = await Run("fetch", "f1", "--out", output);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("3 of 3 results", first.Out, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("(1 downloaded, 2 already there)", second.Out, StringComparison.Ordinal);
        Assert.Equal(["f1-000001.png", "f1-000002.png", "f1-000003.png", "jobs.jsonl"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(FakeApi.Png, await File.ReadAllBytesAsync(Path.Combine(output, "f1-000002.png")));
        var lines = (await File.ReadAllLinesAsync(Path.Combine(output, "jobs.jsonl"))).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["f1-000001", "f1-000002", "f1-000003"], lines.Select(l => l.GetProperty("jobId").GetString()));
        Assert.All(lines, l => Assert.Equal("succeeded", l.GetProperty("status").GetString()));
        Assert.Equal(4, _api.Requests.Count(r => r.EndsWith("/result", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Fetch_FailedAndUnfinishedJobs_Exit1ListingThem()
    {
        var batch = _api.AddBatch("f2", 3);
        batch.Jobs[0].Status = "succeeded";
        (batch.Jobs[1].Status, batch.Jobs[1].ErrorCode, batch.Jobs[1].ErrorMessage) = ("failed", "unknown_model", "no pack 'x'");
        var output = Path.Combine(_dir, "out");

        var run = await Run("fetch", "f2", "--out", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("1 of 3 results", run.Out, StringComparison.Ordinal);
        Assert.Contains("1 job(s) failed [unknown_model]: no pack 'x' (f2-000002)", run.Error, StringComparison.Ordinal);
        Assert.Contains("1 job(s) have not finished yet", run.Error, StringComparison.Ordinal);
        Assert.Contains("unknown_model", await File.ReadAllTextAsync(Path.Combine(output, "jobs.jsonl")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_UnknownBatch_Exit2()
    {
        var run = await Run("fetch", "nope", "--out", Path.Combine(_dir, "out"));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("has no batch 'nope'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_WithoutOut_Exit2()
    {
        var run = await Run("fetch", "f3");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--out", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("submit")]
    [InlineData("watch")]
    [InlineData("fetch")]
    public async Task Help_ExplainsTheCommandWithExamples(string command)
    {
        var run = await Run(command, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Examples:", run.Out, StringComparison.Ordinal);
        Assert.Contains("--api-key", run.Out, StringComparison.Ordinal);
        Assert.Contains("PIPELINE_API_URL", run.Out, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
