using System.Text.Json.Nodes;

namespace Pipeline.Cli.Tests;

public sealed class PackAndBenchTests
{
    [Fact]
    public async Task PackVerify_TinyPackByName_Passes()
    {
        var run = await Cli.RunAsync("pack", "verify", "tiny-test", "--models", Cli.Fixtures, "--provider", "cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("PASS", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackVerify_TinyPackFolder_Passes()
    {
        var run = await Cli.RunAsync("pack", "verify", Cli.TinyPack, "--provider", "cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task PackVerify_ManifestWhoseGraphShapesDisagree_Exit1()
    {
        var copy = CopyTinyPack(manifest =>
        {
            // The denoiser's logits claim 48 codes while codebookSize says 32.
            manifest["graphs"]!["denoiser"]!["outputs"]![0]!["shape"] = new JsonArray("batch", 64, 48);
        });

        var run = await Cli.RunAsync("pack", "verify", copy, "--provider", "cpu");

        Assert.Equal(ExitCodes.JobFailures, run.ExitCode);
        Assert.Contains("FAIL", run.Out, StringComparison.Ordinal);
        Assert.Contains("denoiser", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackVerify_ManifestLatentGridChanged_Exit1()
    {
        var copy = CopyTinyPack(manifest => manifest["latent"]!["width"] = 4);

        var run = await Cli.RunAsync("pack", "verify", copy, "--provider", "cpu");

        Assert.Equal(ExitCodes.JobFailures, run.ExitCode);
    }

    [Fact]
    public async Task PackList_FixturesFolder_ShowsTinyPack()
    {
        var run = await Cli.RunAsync("pack", "list", "--models", Cli.Fixtures);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("tiny-test", run.Out, StringComparison.Ordinal);
        Assert.Contains("16x16", run.Out, StringComparison.Ordinal);
        Assert.Contains("2/8/64", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackList_SameNameInTwoFolders_LaterOneShownAsShadowed()
    {
        var root = Cli.TempDirectory();
        foreach (var folder in new[] { "a-first", "b-second" })
        {
            Directory.CreateDirectory(Path.Combine(root, folder));
            File.Copy(Path.Combine(Cli.TinyPack, "manifest.json"), Path.Combine(root, folder, "manifest.json"));
        }

        var run = await Cli.RunAsync("pack", "list", "--models", root);

        Assert.True(run.ExitCode == 0, run.ToString());
        // The registry serves the first folder's pack; the second is listed as not served, once.
        Assert.Equal(2, run.Out.Split("shadowed").Length);
        Assert.Contains("not served", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchQuick_TinyPack_PrintsEveryTable()
    {
        var run = await Cli.RunAsync("bench", "--quick", "--models", Cli.Fixtures, "--model", "tiny-test", "--provider", "cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Raw denoiser forward", run.Out, StringComparison.Ordinal);
        Assert.Contains("rows / s", run.Out, StringComparison.Ordinal);
        Assert.Contains("Engine generation vs raw graph time", run.Out, StringComparison.Ordinal);
        Assert.Contains("overhead", run.Out, StringComparison.Ordinal);
        Assert.Contains("Batched vs one job at a time", run.Out, StringComparison.Ordinal);
        // Measured, or "skipped: why" where Python or torch is missing: the row is there either way.
        Assert.Contains("Python reference", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Root_NamesEveryCommandWithExamples()
    {
        var run = await Cli.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "generate", "vary", "inpaint", "demo", "pack", "bench", "--models", "--provider", "--threads", "Exit codes" })
        {
            Assert.Contains(command, run.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_RemoteCommands_OfferNoPackOptions()
    {
        foreach (var command in new[] { "submit", "watch", "fetch" })
        {
            var run = await Cli.RunAsync(command, "--help");

            Assert.Equal(0, run.ExitCode);
            Assert.Contains("--api", run.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("--provider", run.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("--precision", run.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_Inpaint_ShowsExamples()
    {
        var run = await Cli.RunAsync("inpaint", "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Examples:", run.Out, StringComparison.Ordinal);
        Assert.Contains("--rect", run.Out, StringComparison.Ordinal);
    }

    private static string CopyTinyPack(Action<JsonObject> edit)
    {
        var target = Path.Combine(Cli.TempDirectory(), "tampered");
        foreach (var file in Directory.EnumerateFiles(Cli.TinyPack, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Cli.TinyPack, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        var path = Path.Combine(target, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
        return target;
    }
}
