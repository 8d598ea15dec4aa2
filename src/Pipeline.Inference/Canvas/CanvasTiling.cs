namespace Pipeline.Inference.Canvas;

/// <summary>
/// How <see cref="CanvasCodecMode.Tiled"/> cuts a canvas into model-size tiles.
/// </summary>
/// <param name="DecodeOverlap">
/// Tile overlap for decoding as a fraction of the tile (0 ≤ overlap &lt; 1; default ½: each pixel away from the canvas
/// edges is blended from two tiles per axis). 0 gives butted tiles with hard seams, for comparison only.
/// </param>
/// <param name="EncodeOverlap">
/// Tile overlap for encoding (default 0: tiles on the model grid from the top-left corner, overlapping only where the
/// canvas is not a whole number of tiles). Tokens are discrete, so there is nothing to blend: each token comes from
/// one tile, the one where it is most central; with aligned tiles a canvas assembled from model-size images (an
/// outpaint or stitch source) gets exactly each image's own tokens.
/// </param>
/// <param name="TilesPerCall">Tiles per encoder/decoder call: bounds the working memory.</param>
public sealed record CanvasTiling(double DecodeOverlap = 0.5, double EncodeOverlap = 0, int TilesPerCall = 16)
{
    internal int DecodeStride(int tile) => Stride(tile, DecodeOverlap);

    internal int EncodeStride(int tile) => Stride(tile, EncodeOverlap);

    /// <summary>What is wrong with these settings, or null.</summary>
    internal string? Problem() =>
        !(DecodeOverlap is >= 0 and < 1) || !(EncodeOverlap is >= 0 and < 1)
            ? $"Tile overlaps must be in [0, 1) of the tile (got decode {DecodeOverlap}, encode {EncodeOverlap})."
            : TilesPerCall < 1 ? $"TilesPerCall must be at least 1 (got {TilesPerCall})." : null;

    // At least one token of progress per tile, at most a whole tile.
    private static int Stride(int tile, double overlap) => Math.Clamp((int)Math.Round(tile * (1 - overlap), MidpointRounding.AwayFromZero), 1, tile);
}
