using System.Buffers;

namespace Pipeline.Inference.Canvas;

/// <summary>
/// <see cref="ICanvasCodec"/> for packs whose graphs are pinned to the model's size: the canvas is cut into
/// model-size tiles, run through the pack's <see cref="IVqCodec"/> a batch of tiles at a time, and put back together.
/// Decoding overlaps tiles (<see cref="CanvasTiling.DecodeStride"/>) and blends them with raised-cosine weights
/// (<see cref="TileLayout.BlendWeights"/>), so no tile edge shows as a seam; encoding takes each token from the tile
/// where it is most central (<see cref="TileLayout.MostCentralTile"/>). A model-size canvas is one tile: exactly the
/// plain codec's output.
/// </summary>
/// <remarks>
/// Memory: besides the caller's buffers, one batch of tiles (<see cref="CanvasTiling.TilesPerCall"/> × a model image
/// and its ids, rented) and the blend weights (one row of floats per tile and axis), whatever the canvas size.
/// </remarks>
internal sealed class TiledCanvasCodec : ICanvasCodec
{
    private readonly IVqCodec _codec;
    private readonly CanvasShape _shape;
    private readonly CanvasTiling _tiling;

    public TiledCanvasCodec(IVqCodec codec, int tokenSize, int modelGridHeight, int modelGridWidth, CanvasTiling tiling)
    {
        _codec = codec;
        _shape = new CanvasShape(tokenSize, modelGridHeight, modelGridWidth);
        _tiling = tiling;
        if (tiling.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(tiling));
        }
    }

    public int TokenSize => _shape.TokenSize;

    public int ModelGridHeight => _shape.ModelGridHeight;

    public int ModelGridWidth => _shape.ModelGridWidth;

    public CanvasCodecMode Mode => CanvasCodecMode.Tiled;

    /// <summary>The tiles a decode of this grid uses (rows, columns): for the seam statistic and tests.</summary>
    public (TileLayout Rows, TileLayout Columns) DecodeLayout(int gridHeight, int gridWidth) =>
        (TileLayout.Create(gridHeight, ModelGridHeight, _tiling.DecodeStride(ModelGridHeight)),
         TileLayout.Create(gridWidth, ModelGridWidth, _tiling.DecodeStride(ModelGridWidth)));

    public void Encode(ReadOnlySpan<float> pixels, int heightPx, int widthPx, Span<long> ids)
    {
        var (gridHeight, gridWidth) = _shape.PixelsToGrid(heightPx, widthPx);
        CanvasShape.CheckBuffer(pixels.Length, 3L * heightPx * widthPx, "pixel", nameof(pixels));
        CanvasShape.CheckBuffer(ids.Length, (long)gridHeight * gridWidth, "token id", nameof(ids));
        var rows = TileLayout.Create(gridHeight, ModelGridHeight, _tiling.EncodeStride(ModelGridHeight));
        var columns = TileLayout.Create(gridWidth, ModelGridWidth, _tiling.EncodeStride(ModelGridWidth));
        int[] rowChoice = rows.MostCentralTile(), columnChoice = columns.MostCentralTile();
        int tileHeightPx = ModelGridHeight * TokenSize, tileWidthPx = ModelGridWidth * TokenSize, tileTokens = ModelGridHeight * ModelGridWidth;
        var tilePixels = 3 * tileHeightPx * tileWidthPx;

        var tiles = Tiles(rows, columns);
        var batchPixels = ArrayPool<float>.Shared.Rent(_tiling.TilesPerCall * tilePixels);
        var batchIds = ArrayPool<long>.Shared.Rent(_tiling.TilesPerCall * tileTokens);
        try
        {
            for (var first = 0; first < tiles.Length; first += _tiling.TilesPerCall)
            {
                var count = Math.Min(_tiling.TilesPerCall, tiles.Length - first);
                for (var b = 0; b < count; b++)
                {
                    var (r, c) = tiles[first + b];
                    CopyTileIn(pixels, heightPx, widthPx, rows.Starts[r] * TokenSize, columns.Starts[c] * TokenSize,
                        batchPixels.AsSpan(b * tilePixels, tilePixels), tileHeightPx, tileWidthPx);
                }

                _codec.Encode(batchPixels.AsSpan(0, count * tilePixels), count, batchIds.AsSpan(0, count * tileTokens));
                for (var b = 0; b < count; b++)
                {
                    var (r, c) = tiles[first + b];
                    int top = rows.Starts[r], left = columns.Starts[c];
                    for (var v = 0; v < ModelGridHeight; v++)
                    {
                        if (rowChoice[top + v] != r)
                        {
                            continue;
                        }

                        for (var u = 0; u < ModelGridWidth; u++)
                        {
                            if (columnChoice[left + u] == c)
                            {
                                ids[((top + v) * gridWidth) + left + u] = batchIds[(b * tileTokens) + (v * ModelGridWidth) + u];
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(batchPixels);
            ArrayPool<long>.Shared.Return(batchIds);
        }
    }

    public void Decode(ReadOnlySpan<long> ids, int gridHeight, int gridWidth, Span<float> pixels)
    {
        _shape.CheckGrid(gridHeight, gridWidth);
        int heightPx = gridHeight * TokenSize, widthPx = gridWidth * TokenSize;
        CanvasShape.CheckBuffer(ids.Length, (long)gridHeight * gridWidth, "token id", nameof(ids));
        CanvasShape.CheckBuffer(pixels.Length, 3L * heightPx * widthPx, "pixel", nameof(pixels));
        TokenRange.Check(ids[..(gridHeight * gridWidth)], _codec.CodebookSize - 1, "Decoder token ids (never MASK)", nameof(ids));
        var (rows, columns) = DecodeLayout(gridHeight, gridWidth);
        float[][] rowWeights = rows.BlendWeights(TokenSize), columnWeights = columns.BlendWeights(TokenSize);
        int tileHeightPx = ModelGridHeight * TokenSize, tileWidthPx = ModelGridWidth * TokenSize, tileTokens = ModelGridHeight * ModelGridWidth;
        var tilePixels = 3 * tileHeightPx * tileWidthPx;

        var canvas = pixels[..(3 * heightPx * widthPx)];
        canvas.Clear();
        var tiles = Tiles(rows, columns);
        var batchIds = ArrayPool<long>.Shared.Rent(_tiling.TilesPerCall * tileTokens);
        var batchPixels = ArrayPool<float>.Shared.Rent(_tiling.TilesPerCall * tilePixels);
        try
        {
            for (var first = 0; first < tiles.Length; first += _tiling.TilesPerCall)
            {
                var count = Math.Min(_tiling.TilesPerCall, tiles.Length - first);
                for (var b = 0; b < count; b++)
                {
                    var (r, c) = tiles[first + b];
                    int top = rows.Starts[r], left = columns.Starts[c];
                    for (var v = 0; v < ModelGridHeight; v++)
                    {
                        ids.Slice(((top + v) * gridWidth) + left, ModelGridWidth).CopyTo(batchIds.AsSpan((b * tileTokens) + (v * ModelGridWidth), ModelGridWidth));
                    }
                }

                _codec.Decode(batchIds.AsSpan(0, count * tileTokens), count, batchPixels.AsSpan(0, count * tilePixels));
                for (var b = 0; b < count; b++)
                {
                    var (r, c) = tiles[first + b];
                    Accumulate(batchPixels.AsSpan(b * tilePixels, tilePixels), rowWeights[r], columnWeights[c],
                        canvas, widthPx, heightPx, rows.Starts[r] * TokenSize, columns.Starts[c] * TokenSize, tileHeightPx, tileWidthPx);
                }
            }
        }
        finally
        {
            ArrayPool<long>.Shared.Return(batchIds);
            ArrayPool<float>.Shared.Return(batchPixels);
        }
    }

    private static (int Row, int Column)[] Tiles(TileLayout rows, TileLayout columns) =>
        [.. Enumerable.Range(0, rows.Count).SelectMany(r => Enumerable.Range(0, columns.Count).Select(c => (r, c)))];

    private static void CopyTileIn(ReadOnlySpan<float> canvas, int heightPx, int widthPx, int top, int left, Span<float> tile, int tileHeightPx, int tileWidthPx)
    {
        for (var channel = 0; channel < 3; channel++)
        {
            for (var y = 0; y < tileHeightPx; y++)
            {
                canvas.Slice((((channel * heightPx) + top + y) * widthPx) + left, tileWidthPx)
                    .CopyTo(tile.Slice(((channel * tileHeightPx) + y) * tileWidthPx, tileWidthPx));
            }
        }
    }

    // canvas += rowWeight(y) · columnWeight(x) · tile: the normalised weights of all tiles covering a pixel sum to 1.
    private static void Accumulate(ReadOnlySpan<float> tile, float[] rowWeights, float[] columnWeights, Span<float> canvas,
        int widthPx, int heightPx, int top, int left, int tileHeightPx, int tileWidthPx)
    {
        for (var channel = 0; channel < 3; channel++)
        {
            for (var y = 0; y < tileHeightPx; y++)
            {
                var rowWeight = rowWeights[y];
                var source = tile.Slice(((channel * tileHeightPx) + y) * tileWidthPx, tileWidthPx);
                var target = canvas.Slice((((channel * heightPx) + top + y) * widthPx) + left, tileWidthPx);
                for (var x = 0; x < tileWidthPx; x++)
                {
                    target[x] += rowWeight * columnWeights[x] * source[x];
                }
            }
        }
    }
}
