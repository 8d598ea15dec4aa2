using Pipeline.Inference.Canvas;

namespace Pipeline.Inference.Tests.Canvas;

public class SeamStatisticTests(CanvasPacks packs) : IClassFixture<CanvasPacks>
{
    [Fact]
    public void Measure_StepAtTheBorder_IsAllAcrossTheBorder()
    {
        // 4×6 px, every channel 0 left of column 3 and 1 from it: one border column of steps of 1, nothing else.
        var pixels = new float[3 * 4 * 6];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = i % 6 >= 3 ? 1f : 0f;
        }

        var figures = SeamStatistic.Measure(pixels, 4, 6, [], [3]);

        Assert.Equal(1.0, figures.AcrossBorders);
        Assert.Equal(0.0, figures.InsideTiles);
        Assert.Equal(3 * 4, figures.BorderPairs);
        Assert.Equal((3 * 4 * 4) + (3 * 3 * 6), figures.InsidePairs);
    }

    [Fact]
    public void TileBorders_HalfOverlap_AreEveryTileStartAndEndInside()
    {
        Assert.Equal([16, 32, 48, 64, 80], SeamStatistic.TileBorders(24, 8, 4, new CanvasTiling()));
        Assert.Equal([32, 64], SeamStatistic.TileBorders(24, 8, 4, new CanvasTiling(DecodeOverlap: 0)));
        Assert.Empty(SeamStatistic.TileBorders(8, 8, 4, new CanvasTiling()));
    }

    [Fact]
    public void Bench_DynamicPack_HasTiledAndDynamicLinesForEachSource()
    {
        var lines = CanvasSeamBench.Run(packs.Dynamic, 12, 20);

        Assert.Equal(["golden mosaic", "random tokens"], lines.Select(l => l.Source).Distinct());
        Assert.Equal(["tiled, overlap ½", "dynamic", "tiled, butted", "dynamic"], lines.Where(l => l.Source == "golden mosaic").Select(l => l.Decode));
        Assert.All(lines, l => Assert.True(double.IsFinite(l.Figures.Ratio)));
    }

    [Fact]
    public void Bench_Emoji32_BlendedTilesHideTheSeamsButtedTilesShow()
    {
        // The real pack (the tiny one's random weights decode noise, where no seam stands out): on real images butted
        // tiles step across their borders far more than inside, blended tiles no more than the one-pass decode does.
        using var pack = ModelPack.Load(EmojiPackDirectory(), new InferenceOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 });

        var lines = CanvasSeamBench.Run(pack, 16, 24).Where(l => l.Source == "golden mosaic").ToList();

        double Ratio(string decode, string borders) => lines.Single(l => l.Decode == decode && l.BordersAt == borders).Figures.Ratio;
        Assert.InRange(Ratio("tiled, butted", "tiled, butted"), 1.5, double.MaxValue);
        Assert.InRange(Ratio("tiled, overlap ½", "tiled, overlap ½"), 0, Ratio("dynamic", "tiled, overlap ½") * 1.1);
    }

    private static string EmojiPackDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "emoji-32");
            if (File.Exists(Path.Combine(candidate, "manifest.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("models/emoji-32 not found above " + AppContext.BaseDirectory);
    }
}
