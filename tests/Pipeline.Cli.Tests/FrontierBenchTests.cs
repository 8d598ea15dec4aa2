using Pipeline.Cli.Bench;

namespace Pipeline.Cli.Tests;

/// <summary>The bench's headline: the pack's frontier.json read tolerantly, and the tables it makes.</summary>
public sealed class FrontierBenchTests
{
    private static string FrontierFixture(string pack) => Path.Combine(Cli.Fixtures, "frontier", $"{pack}.frontier.json");

    [Fact]
    public void Read_NoFile_SaysFdIsMissing()
    {
        var (frontier, missing) = FrontierFile.Read(Cli.TinyPack);

        Assert.Null(frontier);
        Assert.Contains("no frontier.json", missing, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Fixture_KeepsOnlyUsablePoints()
    {
        var pack = PackWithFrontier(File.ReadAllText(FrontierFixture("tiny-test")));

        var (frontier, missing) = FrontierFile.Read(pack);

        Assert.Null(missing);
        // The fixture's point with the unknown order "bogus" is left out.
        Assert.Equal(5, frontier!.Points.Count);
        Assert.Equal(2, frontier.Points.Count(p => p.IsReference));
        Assert.Equal("noiseScale 4.5", frontier.Points.First(p => p.Order == "confidence").Knobs);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{ "points": [] }""")]
    public void Read_BadFile_ExplainsInsteadOfThrowing(string text)
    {
        var (frontier, missing) = FrontierFile.Read(PackWithFrontier(text));

        Assert.Null(frontier);
        Assert.Contains("frontier.json", missing, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NamesTheCpuFeatures()
    {
        var cpu = CpuDescription.Describe();

        Assert.Contains("avx2", cpu, StringComparison.Ordinal);
        Assert.Contains("avx512_vnni", cpu, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchFrontierOnly_PackWithFrontier_PrintsHeadlineTables()
    {
        var models = Path.GetDirectoryName(PackWithFrontier(File.ReadAllText(FrontierFixture("tiny-test"))))!;

        var run = await Cli.RunAsync("bench", "--quick", "--frontier-only", "--no-reference", "--models", models, "--model", "tiny-test", "--provider", "cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("CPU ", run.Out, StringComparison.Ordinal);
        Assert.Contains("Where one image's time goes", run.Out, StringComparison.Ordinal);
        Assert.Contains("forwards (batched denoiser)", run.Out, StringComparison.Ordinal);
        Assert.Contains("Decode in series vs overlapped", run.Out, StringComparison.Ordinal);
        Assert.Contains("Frontier: FD", run.Out, StringComparison.Ordinal);
        Assert.Contains("Speed at equal-or-better FD", run.Out, StringComparison.Ordinal);
        Assert.Contains("Headline:", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("Raw denoiser forward", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchQuick_PackWithoutFrontier_SaysFdIsMissingAndPrintsTheRest()
    {
        var run = await Cli.RunAsync("bench", "--quick", "--no-reference", "--models", Cli.Fixtures, "--model", "tiny-test", "--provider", "cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("no frontier.json", run.Out, StringComparison.Ordinal);
        Assert.Contains("Headline:", run.Out, StringComparison.Ordinal);
        Assert.Contains("CPU thread layout", run.Out, StringComparison.Ordinal);
        Assert.Contains("Raw denoiser forward", run.Out, StringComparison.Ordinal);
    }

    /// <summary>A copy of the tiny pack with <paramref name="frontier"/> as its frontier.json; returns the pack folder.</summary>
    private static string PackWithFrontier(string frontier)
    {
        var target = Path.Combine(Cli.TempDirectory(), "tiny-pack");
        foreach (var file in Directory.EnumerateFiles(Cli.TinyPack, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Cli.TinyPack, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        File.WriteAllText(Path.Combine(target, FrontierFile.FileName), frontier);
        return target;
    }
}
