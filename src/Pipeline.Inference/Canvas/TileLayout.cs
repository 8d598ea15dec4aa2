namespace Pipeline.Inference.Canvas;

/// <summary>
/// Where model-size tiles sit along one canvas axis, and how their outputs combine: smooth blend weights for decoded
/// pixels, and, for encoded tokens, the tile each token is taken from. Axes are independent, so a 2-D tile grid is
/// the product of a row layout and a column layout.
/// </summary>
/// <remarks>
/// Tiles are spread evenly: n = ⌈(length − tile) / stride⌉ + 1 tiles, the first at 0, the last flush with the far
/// edge, the rest rounded in between, so no gap is larger than the stride and every position is covered.
/// </remarks>
internal sealed class TileLayout
{
    private TileLayout(int length, int tile, int[] starts)
    {
        Length = length;
        Tile = tile;
        Starts = starts;
    }

    /// <summary>Canvas length along the axis, in tokens.</summary>
    public int Length { get; }

    /// <summary>Tile length in tokens (the model's grid side).</summary>
    public int Tile { get; }

    /// <summary>First token of each tile, ascending; the last tile ends at <see cref="Length"/>.</summary>
    public IReadOnlyList<int> Starts { get; }

    public int Count => Starts.Count;

    /// <param name="length">Canvas tokens along the axis (≥ tile).</param>
    /// <param name="tile">Tokens per tile.</param>
    /// <param name="stride">Largest step between tile starts, 1..tile; smaller than the tile means overlap.</param>
    public static TileLayout Create(int length, int tile, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tile, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, tile);
        if (stride < 1 || stride > tile)
        {
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"The tile stride must be 1..{tile} tokens (the tile size).");
        }

        var span = length - tile;
        var count = span == 0 ? 1 : ((span + stride - 1) / stride) + 1;
        var starts = new int[count];
        for (var i = 1; i < count; i++)
        {
            starts[i] = (int)Math.Round((double)i * span / (count - 1), MidpointRounding.AwayFromZero);
        }

        return new TileLayout(length, tile, starts);
    }

    /// <summary>
    /// Each tile's blend weight at each of its pixels (pixelsPerToken per token), normalised so that at every canvas
    /// pixel the weights of the tiles covering it sum to 1. A tile's weight ramps up from near 0 to 1 across the part
    /// it shares with its neighbour before and down across the part it shares with its neighbour after (raised-cosine
    /// ramps, which two overlapping tiles' ramps sum to 1 even before normalising), and is 1 elsewhere, the canvas
    /// edges included. One tile: all ones.
    /// </summary>
    public float[][] BlendWeights(int pixelsPerToken)
    {
        var tilePixels = Tile * pixelsPerToken;
        var raw = new double[Count][];
        var sum = new double[Length * pixelsPerToken];
        for (var i = 0; i < Count; i++)
        {
            var overlapBefore = i > 0 ? (Starts[i - 1] + Tile - Starts[i]) * pixelsPerToken : 0;
            var overlapAfter = i < Count - 1 ? (Starts[i] + Tile - Starts[i + 1]) * pixelsPerToken : 0;
            raw[i] = new double[tilePixels];
            for (var u = 0; u < tilePixels; u++)
            {
                var w = 1.0;
                if (u < overlapBefore)
                {
                    w *= Ramp((u + 0.5) / overlapBefore);
                }

                if (u >= tilePixels - overlapAfter)
                {
                    w *= Ramp((tilePixels - u - 0.5) / overlapAfter);
                }

                raw[i][u] = w;
                sum[(Starts[i] * pixelsPerToken) + u] += w;
            }
        }

        var weights = new float[Count][];
        for (var i = 0; i < Count; i++)
        {
            var offset = Starts[i] * pixelsPerToken;
            weights[i] = [.. raw[i].Select((w, u) => (float)(w / sum[offset + u]))];
        }

        return weights;
    }

    /// <summary>
    /// For each canvas token, the tile it is taken from: the tile in which it lies farthest from an edge that another
    /// tile continues past (edges on the canvas border do not count: every tile touching the border is cut there
    /// alike); ties go to the earlier tile.
    /// </summary>
    public int[] MostCentralTile()
    {
        var choice = new int[Length];
        var best = new int[Length];
        Array.Fill(best, -1);
        for (var i = 0; i < Count; i++)
        {
            for (var u = 0; u < Tile; u++)
            {
                var before = i > 0 ? u : int.MaxValue;
                var after = i < Count - 1 ? Tile - 1 - u : int.MaxValue;
                var margin = Math.Min(before, after);
                var position = Starts[i] + u;
                if (margin > best[position])
                {
                    best[position] = margin;
                    choice[position] = i;
                }
            }
        }

        return choice;
    }

    // sin²(πx/2): 0 at x = 0, 1 at x = 1, and Ramp(x) + Ramp(1 − x) = 1.
    private static double Ramp(double x) => Math.Pow(Math.Sin(Math.PI * x / 2), 2);
}
