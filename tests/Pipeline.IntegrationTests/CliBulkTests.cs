using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Pipeline.Imaging;
using Pipeline.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Pipeline.IntegrationTests;

/// <summary>Bulk from the CLI: the built `pipeline` binary against the real Api and a worker on real RabbitMQ and PostgreSQL.</summary>
[Collection(RealServices.Name)]
public sealed class CliBulkTests(ITestOutputHelper output)
{
    private const int Jobs = 1000;

    [ServiceFact]
    public async Task Manifest1000Jobs_SubmitWatchThenFetch_BatchCountsMatchAndEveryResultFetched()
    {
        await using var stack = await TestPipeline.StartAsync("cli-bulk");
        // One worker with room for larger batched forwards: 1000 tiny jobs are mostly per-job bookkeeping, not compute.
        await stack.StartWorkerAsync(new Dictionary<string, string?> { ["Pipeline:Worker:Capacity"] = "32" });
        var work = Path.Combine(stack.StorageRoot, "cli");
        var (manifest, kinds) = WriteManifest(work);
        var environment = new Dictionary<string, string>
        {
            ["PIPELINE_API_URL"] = stack.Client.Http.BaseAddress!.ToString(),
            ["PIPELINE_API_KEY"] = TestPipeline.ApiKey,
        };
        var batchId = "cli-bulk-" + stack.Id;

        var submit = await CliProcess.RunAsync(["submit", manifest, "--batch-id", batchId, "--watch", "--interval", "0.5"], environment, work,
            TimeSpan.FromMinutes(8));
        output.WriteLine($"submit --watch: {submit.Elapsed.TotalSeconds:F1} s");

        Assert.True(submit.ExitCode == 0, submit.ToString());
        Assert.Equal(batchId, submit.Out.Trim());
        Assert.Contains($"{Jobs}/{Jobs} ended: {Jobs} succeeded, 0 failed, 0 canceled", submit.Error, StringComparison.Ordinal);
        Assert.Contains("uploaded 3 image(s)", submit.Error, StringComparison.Ordinal);
        var batch = await stack.Client.Http.GetFromJsonAsync<JsonElement>(new Uri($"/v1/batches/{batchId}", UriKind.Relative));
        Assert.Equal("completed", batch.GetProperty("status").GetString());
        Assert.Equal(Jobs, batch.GetProperty("expectedJobs").GetInt32());
        var counts = batch.GetProperty("counts");
        Assert.Equal((Jobs, 0, 0, 0, 0), (counts.GetProperty("succeeded").GetInt32(), counts.GetProperty("failed").GetInt32(),
            counts.GetProperty("canceled").GetInt32(), counts.GetProperty("queued").GetInt32(), counts.GetProperty("running").GetInt32()));

        var results = Path.Combine(work, "results");
        var fetch = await CliProcess.RunAsync(["fetch", batchId, "--out", results], environment, work, TimeSpan.FromMinutes(3));
        output.WriteLine($"fetch: {fetch.Elapsed.TotalSeconds:F1} s");

        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.Contains($"{Jobs} of {Jobs} results in {results} ({Jobs} downloaded, 0 already there)", fetch.Out, StringComparison.Ordinal);
        var pngs = Directory.GetFiles(results, "*.png");
        Assert.Equal(Jobs, pngs.Length);
        Assert.All(pngs.Where((_, i) => i % 97 == 0), png => Assert.Equal((16, 16), Size(png)));
        var lines = File.ReadAllLines(Path.Combine(results, "jobs.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Jobs, lines.Count);
        Assert.All(lines, l => Assert.Equal("succeeded", l.GetProperty("status").GetString()));
        Assert.All(lines, l => Assert.True(File.Exists(Path.Combine(results, l.GetProperty("file").GetString()!))));
        Assert.Equal(kinds, lines.GroupBy(l => l.GetProperty("kind").GetString()!).ToDictionary(g => g.Key, g => g.Count()));
        Assert.Equal(Enumerable.Range(1, Jobs).Select(line => $"{batchId}-{line:D6}"), lines.Select(l => l.GetProperty("jobId").GetString()));

        // Resumable: what is there is kept, what is missing is downloaded again.
        foreach (var png in pngs.Take(25))
        {
            File.Delete(png);
        }

        var again = await CliProcess.RunAsync(["fetch", batchId, "--out", results], environment, work, TimeSpan.FromMinutes(2));
        output.WriteLine($"fetch again: {again.Elapsed.TotalSeconds:F1} s");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains($"(25 downloaded, {Jobs - 25} already there)", again.Out, StringComparison.Ordinal);
        Assert.Equal(Jobs, Directory.GetFiles(results, "*.png").Length);
    }

    /// <summary>
    /// 1000 lines: mostly generation at 2–4 steps, every 10th a variation and every 50th (offset 5) an inpainting of one of
    /// three local PNG files, named by path relative to the manifest as a user writes them.
    /// </summary>
    private static (string Path, Dictionary<string, int> Kinds) WriteManifest(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, "images"));
        for (var i = 0; i < 3; i++)
        {
            File.WriteAllBytes(Path.Combine(directory, "images", $"source-{i}.png"), TestJobs.Png(seed: i + 1));
        }

        var lines = new List<string>(Jobs);
        for (var i = 0; i < Jobs; i++)
        {
            var steps = 2 + (i % 3);
            var image = $"images/source-{i % 3}.png";
            lines.Add(i switch
            {
                _ when i % 10 == 0 => Line($$"""{"kind":"variation","sourceImageFile":"{{image}}","strength":0.5,"steps":{{steps}},"seed":{{i}}}"""),
                _ when i % 50 == 5 => Line($$"""{"kind":"inpainting","sourceImageFile":"{{image}}","maskRectangles":[{"x":4,"y":4,"width":8,"height":8}],"steps":{{steps}}}"""),
                _ => Line($$"""{"kind":"generation","steps":{{steps}},"seed":{{i}},"priority":"{{(i % 2 == 0 ? "bulk" : "standard")}}"}"""),
            });
        }

        var path = Path.Combine(directory, "manifest.jsonl");
        File.WriteAllLines(path, lines);
        var kinds = lines.GroupBy(l => JsonDocument.Parse(l).RootElement.GetProperty("kind").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        return (path, kinds);

        static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
    }

    private static (int Width, int Height) Size(string png)
    {
        var image = ImageReader.Read(File.ReadAllBytes(png));
        return (image.Width, image.Height);
    }
}
