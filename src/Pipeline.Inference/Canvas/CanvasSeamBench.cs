namespace Pipeline.Inference.Canvas;

/// <summary>One line of <see cref="CanvasSeamBench"/>: a token source decoded one way, measured at that way's tile borders.</summary>
/// <param name="Source">"golden mosaic" (the pack's golden images tiled over the canvas, encoded) or "random tokens".</param>
/// <param name="Decode">"tiled, overlap ½" (blended), "tiled, butted" (overlap 0: hard seams, the naive way) or "dynamic".</param>
/// <param name="BordersAt">The tile layout whose borders are measured (the same for a dynamic line as for the tiled line before it).</param>
public sealed record CanvasSeamLine(string Source, string Decode, string BordersAt, IReadOnlyList<int> ColumnBorders, IReadOnlyList<int> RowBorders, SeamFigures Figures);

/// <summary>
/// The seam statistic of issue 12 on a pack: token canvases decoded by tiles with blending, by butted tiles, and in
/// one pass where the graphs allow it, each measured at the tile borders. `pipeline bench canvas` prints it.
/// </summary>
public static class CanvasSeamBench
{
    public static IReadOnlyList<CanvasSeamLine> Run(ModelPack pack, int gridHeight, int gridWidth, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var blended = new CanvasTiling();
        var butted = new CanvasTiling(DecodeOverlap: 0);
        var tiled = CanvasCodecs.For(pack, CanvasCodecMode.Tiled, blended);
        var hard = CanvasCodecs.For(pack, CanvasCodecMode.Tiled, butted);
        var dynamic = pack.Manifest.HasDynamicSpatialAxes ? CanvasCodecs.For(pack, CanvasCodecMode.Dynamic) : null;
        int t = tiled.TokenSize, heightPx = gridHeight * t, widthPx = gridWidth * t;
        tiled.Decode(new long[gridHeight * gridWidth], gridHeight, gridWidth, new float[3 * heightPx * widthPx]); // size check first

        var sources = new List<(string Name, long[] Ids)> { ("random tokens", RandomIds(gridHeight * gridWidth, pack.Manifest.CodebookSize, seed)) };
        if (GoldenMosaic(pack, heightPx, widthPx) is { } mosaic)
        {
            var ids = new long[gridHeight * gridWidth];
            (dynamic ?? tiled).Encode(mosaic, heightPx, widthPx, ids);
            sources.Insert(0, ("golden mosaic", ids));
        }

        var lines = new List<CanvasSeamLine>();
        var pixels = new float[3 * heightPx * widthPx];
        foreach (var (name, ids) in sources)
        {
            foreach (var (label, codec, tiling) in new[] { ("tiled, overlap ½", tiled, blended), ("tiled, butted", hard, butted) })
            {
                var rows = SeamStatistic.TileBorders(gridHeight, tiled.ModelGridHeight, t, tiling);
                var columns = SeamStatistic.TileBorders(gridWidth, tiled.ModelGridWidth, t, tiling);
                codec.Decode(ids, gridHeight, gridWidth, pixels);
                lines.Add(new(name, label, label, columns, rows, SeamStatistic.Measure(pixels, heightPx, widthPx, rows, columns)));
                if (dynamic is not null)
                {
                    dynamic.Decode(ids, gridHeight, gridWidth, pixels);
                    lines.Add(new(name, "dynamic", label, columns, rows, SeamStatistic.Measure(pixels, heightPx, widthPx, rows, columns)));
                }
            }
        }

        return lines;
    }

    private static long[] RandomIds(int count, int codebookSize, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (long)random.Next(codebookSize))];
    }

    // The golden images repeated over the canvas, shifted by a quarter image so that their joins fall between tile
    // borders (a join is a content edge, which would count as a seam); null when the pack has no golden images.
    private static float[]? GoldenMosaic(ModelPack pack, int heightPx, int widthPx)
    {
        if (pack.Manifest.Golden is not { } golden || !File.Exists(Path.Combine(pack.Directory, golden)))
        {
            return null;
        }

        var images = GoldenVectors.Load(Path.Combine(pack.Directory, golden))["encoder.image"];
        int h = pack.Manifest.Image.Height, w = pack.Manifest.Image.Width, count = (int)images.Batch;
        var source = images.Floats!;
        var canvas = new float[3 * heightPx * widthPx];
        for (var y = 0; y < heightPx; y++)
        {
            for (var x = 0; x < widthPx; x++)
            {
                int sy = y + (h / 4), sx = x + (w / 4);
                var image = ((sy / h) + (sx / w)) % count;
                for (var c = 0; c < 3; c++)
                {
                    canvas[(((c * heightPx) + y) * widthPx) + x] = source[(((((image * 3) + c) * h) + (sy % h)) * w) + (sx % w)];
                }
            }
        }

        return canvas;
    }
}
