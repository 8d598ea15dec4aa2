namespace Pipeline.Inference.Canvas;

/// <summary>Mean absolute differences between adjacent pixels across given borders and everywhere else.</summary>
/// <param name="AcrossBorders">Mean |p(b) − p(b − 1)| over every channel, border column b (and border row), and position along it.</param>
/// <param name="InsideTiles">The same mean over all other adjacent pixel pairs, horizontal and vertical.</param>
/// <param name="BorderPairs">How many pixel pairs <see cref="AcrossBorders"/> averages.</param>
/// <param name="InsidePairs">How many pixel pairs <see cref="InsideTiles"/> averages.</param>
public sealed record SeamFigures(double AcrossBorders, double InsideTiles, long BorderPairs, long InsidePairs)
{
    /// <summary>AcrossBorders / InsideTiles: about 1 when borders do not show, well above 1 for visible seams.</summary>
    public double Ratio => InsideTiles == 0 ? double.NaN : AcrossBorders / InsideTiles;
}

/// <summary>
/// The seam statistic of tiled decoding (issue 12): how much larger pixel steps are across tile borders than inside
/// tiles. Measured on a decoded canvas at the borders of a tile layout; the same positions of a one-pass (dynamic)
/// decode of the same tokens give the figure to compare with.
/// </summary>
public static class SeamStatistic
{
    /// <summary>
    /// Figures for planar RGB <paramref name="pixels"/> (3 × height × width). A column border b compares columns b − 1
    /// and b; a row border likewise rows. Borders must lie in 1..size−1.
    /// </summary>
    public static SeamFigures Measure(ReadOnlySpan<float> pixels, int heightPx, int widthPx, IReadOnlyCollection<int> rowBorders, IReadOnlyCollection<int> columnBorders)
    {
        ArgumentNullException.ThrowIfNull(rowBorders);
        ArgumentNullException.ThrowIfNull(columnBorders);
        if (pixels.Length < 3L * heightPx * widthPx)
        {
            throw new ArgumentException($"The pixel buffer holds {pixels.Length} elements; a {widthPx}×{heightPx} canvas needs {3L * heightPx * widthPx}.", nameof(pixels));
        }

        if (rowBorders.Any(b => b < 1 || b >= heightPx) || columnBorders.Any(b => b < 1 || b >= widthPx))
        {
            throw new ArgumentOutOfRangeException(nameof(rowBorders), "Borders must lie strictly inside the canvas.");
        }

        var isRowBorder = new bool[heightPx];
        var isColumnBorder = new bool[widthPx];
        foreach (var b in rowBorders)
        {
            isRowBorder[b] = true;
        }

        foreach (var b in columnBorders)
        {
            isColumnBorder[b] = true;
        }

        double border = 0, inside = 0;
        long borderPairs = 0, insidePairs = 0;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < heightPx; y++)
            {
                var row = pixels.Slice(((c * heightPx) + y) * widthPx, widthPx);
                for (var x = 1; x < widthPx; x++)
                {
                    Add(isColumnBorder[x], Math.Abs(row[x] - row[x - 1]));
                }

                if (y == 0)
                {
                    continue;
                }

                var above = pixels.Slice(((c * heightPx) + y - 1) * widthPx, widthPx);
                for (var x = 0; x < widthPx; x++)
                {
                    Add(isRowBorder[y], Math.Abs(row[x] - above[x]));
                }
            }
        }

        return new SeamFigures(borderPairs == 0 ? double.NaN : border / borderPairs, insidePairs == 0 ? double.NaN : inside / insidePairs, borderPairs, insidePairs);

        void Add(bool atBorder, double step)
        {
            if (atBorder)
            {
                border += step;
                borderPairs++;
            }
            else
            {
                inside += step;
                insidePairs++;
            }
        }
    }

    /// <summary>
    /// The pixel positions where a tile of a tiled decode begins or ends inside the canvas, along one axis of
    /// <paramref name="gridLength"/> tokens, for a model grid side of <paramref name="modelGrid"/> tokens.
    /// </summary>
    public static IReadOnlyList<int> TileBorders(int gridLength, int modelGrid, int tokenSize, CanvasTiling tiling)
    {
        ArgumentNullException.ThrowIfNull(tiling);
        var layout = TileLayout.Create(gridLength, modelGrid, tiling.DecodeStride(modelGrid));
        return [.. layout.Starts.SelectMany(s => new[] { s, s + modelGrid })
            .Where(t => t > 0 && t < gridLength)
            .Distinct()
            .Order()
            .Select(t => t * tokenSize)];
    }
}
