namespace Pipeline.Sampling.Canvas;

/// <summary>
/// The model-size windows a fixed-size denoiser sees of a larger token canvas (the upstream <c>sample_shape</c> of
/// Unleashing Transformers slides them with a stride). Origins along each axis are 0, s, 2s, … and, when the stride
/// does not land on it, the last origin canvas − window, so every canvas position is covered by at least one window
/// for any stride (upstream's <c>range(0, lim + 1, step)</c> can leave the far edge uncovered). Windows are numbered
/// row-major over (row origin, column origin). Immutable.
/// </summary>
public sealed class CanvasWindows
{
    private readonly int[] _rowOrigins;
    private readonly int[] _colOrigins;

    /// <param name="canvasHeight">Canvas token rows, at least <paramref name="windowHeight"/>.</param>
    /// <param name="canvasWidth">Canvas token columns, at least <paramref name="windowWidth"/>.</param>
    /// <param name="windowHeight">The model's token grid height.</param>
    /// <param name="windowWidth">The model's token grid width.</param>
    /// <param name="strideRows">Rows between window origins, 1 … window height.</param>
    /// <param name="strideCols">Columns between window origins, 1 … window width.</param>
    public CanvasWindows(int canvasHeight, int canvasWidth, int windowHeight, int windowWidth, int strideRows, int strideCols)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(canvasHeight, windowHeight);
        ArgumentOutOfRangeException.ThrowIfLessThan(canvasWidth, windowWidth);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideRows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideCols, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(strideRows, windowHeight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(strideCols, windowWidth);
        (CanvasHeight, CanvasWidth, WindowHeight, WindowWidth) = (canvasHeight, canvasWidth, windowHeight, windowWidth);
        _rowOrigins = Origins(canvasHeight, windowHeight, strideRows);
        _colOrigins = Origins(canvasWidth, windowWidth, strideCols);
    }

    public int CanvasHeight { get; }
    public int CanvasWidth { get; }
    public int WindowHeight { get; }
    public int WindowWidth { get; }

    /// <summary>Canvas positions, H × W.</summary>
    public int CanvasLength => CanvasHeight * CanvasWidth;

    /// <summary>Positions of one window, the denoiser's sequence length.</summary>
    public int WindowLength => WindowHeight * WindowWidth;

    /// <summary>How many windows tile the canvas.</summary>
    public int Count => _rowOrigins.Length * _colOrigins.Length;

    /// <summary>The windows a canvas of this size and stride needs, without building it (admission and limits use it).</summary>
    public static int CountFor(int canvasHeight, int canvasWidth, int windowHeight, int windowWidth, int strideRows, int strideCols) =>
        Origins(canvasHeight, windowHeight, strideRows).Length * Origins(canvasWidth, windowWidth, strideCols).Length;

    /// <summary>The default stride: half the window (rounded up), so interior positions are seen by about four windows.</summary>
    public static int DefaultStride(int window) => Math.Max(1, (window + 1) / 2);

    /// <summary>The canvas row and column of window <paramref name="window"/>'s top-left token.</summary>
    public (int Row, int Col) Origin(int window) => (_rowOrigins[window / _colOrigins.Length], _colOrigins[window % _colOrigins.Length]);

    /// <summary>Canvas position (row-major index) of local position <paramref name="local"/> of <paramref name="window"/>.</summary>
    public int CanvasPosition(int window, int local)
    {
        var (row, col) = Origin(window);
        return ((row + local / WindowWidth) * CanvasWidth) + col + (local % WindowWidth);
    }

    /// <summary>True when <paramref name="window"/> contains canvas position <paramref name="position"/>.</summary>
    public bool Covers(int window, int position)
    {
        var (row, col) = Origin(window);
        var (r, c) = (position / CanvasWidth, position % CanvasWidth);
        return r >= row && r < row + WindowHeight && c >= col && c < col + WindowWidth;
    }

    /// <summary>Copies the window's tokens out of the canvas into <paramref name="row"/> (the denoiser's input row).</summary>
    public void CopyWindow(ReadOnlySpan<long> canvas, int window, Span<long> row)
    {
        var (top, left) = Origin(window);
        for (var r = 0; r < WindowHeight; r++)
        {
            canvas.Slice(((top + r) * CanvasWidth) + left, WindowWidth).CopyTo(row.Slice(r * WindowWidth, WindowWidth));
        }
    }

    /// <summary>Marks in <paramref name="needed"/> (one flag per window) every window that contains <paramref name="position"/>.</summary>
    public void MarkCovering(int position, Span<bool> needed)
    {
        var (r, c) = (position / CanvasWidth, position % CanvasWidth);
        for (var i = 0; i < _rowOrigins.Length; i++)
        {
            var top = _rowOrigins[i];
            if (r < top || r >= top + WindowHeight)
            {
                continue;
            }

            for (var j = 0; j < _colOrigins.Length; j++)
            {
                var left = _colOrigins[j];
                if (c >= left && c < left + WindowWidth)
                {
                    needed[(i * _colOrigins.Length) + j] = true;
                }
            }
        }
    }

    private static int[] Origins(int canvas, int window, int stride)
    {
        var last = canvas - window;
        var origins = new List<int>();
        for (var o = 0; o <= last; o += stride)
        {
            origins.Add(o);
        }

        if (origins[^1] != last)
        {
            origins.Add(last);
        }

        return [.. origins];
    }
}
