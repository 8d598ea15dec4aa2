namespace Pipeline.Cli.Tests;

/// <summary>`pipeline bench canvas` on the tiny pack (fixed graphs: tiled lines only) and its size checks.</summary>
public class CanvasBenchTests
{
    [Fact]
    public async Task BenchCanvas_FixedGraphPack_PrintsTiledAndButtedSeamLines()
    {
        var run = await Cli.RunAsync("bench", "canvas", "--models", Cli.Fixtures, "--model", "tiny-test", "--provider", "cpu", "--size", "40x24");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("canvas 40x24 px = 20x12 tokens", run.Out, StringComparison.Ordinal);
        Assert.Contains("golden mosaic", run.Out, StringComparison.Ordinal);
        Assert.Contains("tiled, overlap ½", run.Out, StringComparison.Ordinal);
        Assert.Contains("tiled, butted", run.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("dynamic", run.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("41x24", "multiples of the token size 2 px")]
    [InlineData("12x24", "smaller than the model's")]
    [InlineData("wide", "is not WIDTHxHEIGHT")]
    public async Task BenchCanvas_BadSize_SaysWhatIsWrong(string size, string expected)
    {
        var run = await Cli.RunAsync("bench", "canvas", "--models", Cli.Fixtures, "--model", "tiny-test", "--provider", "cpu", "--size", size);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
    }
}
