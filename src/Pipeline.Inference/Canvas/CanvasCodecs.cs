namespace Pipeline.Inference.Canvas;

/// <summary>Builds the <see cref="ICanvasCodec"/> a loaded pack supports.</summary>
public static class CanvasCodecs
{
    /// <summary>
    /// The canvas codec of <paramref name="pack"/>: <see cref="CanvasCodecMode.Dynamic"/> when its encoder and decoder
    /// have dynamic spatial axes (manifest schemaVersion 2), else <see cref="CanvasCodecMode.Tiled"/>.
    /// <paramref name="mode"/> forces a mode: Tiled works on every pack; Dynamic on a fixed-graph pack throws
    /// <see cref="ModelPackException"/>. <paramref name="tiling"/> tunes the tiled mode (default
    /// <see cref="CanvasTiling"/>). <paramref name="onePassMaxTokens"/>, when no mode is forced and the pack's graphs are
    /// dynamic, limits the one pass to canvases of at most that many tokens (grid height × width) and tiles the larger
    /// ones (the one-pass decode is not local: far beyond the model's size it is noisier, and its attention memory grows
    /// with the square of the token count); null: one pass at every size. The codec uses the pack's sessions: dispose
    /// the pack, not the codec.
    /// </summary>
    /// <exception cref="ModelPackException">The pack's token size is not a whole number of pixels equal on both axes, or Dynamic was asked of fixed graphs.</exception>
    public static ICanvasCodec For(ModelPack pack, CanvasCodecMode? mode = null, CanvasTiling? tiling = null, int? onePassMaxTokens = null)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var manifest = pack.Manifest;
        var tokenSize = manifest.TokenSize ?? throw new ModelPackException(
            $"Pack '{manifest.Name}': image {manifest.Image.Width}×{manifest.Image.Height} over latent grid {manifest.Latent.Width}×{manifest.Latent.Height} " +
            "is not a whole, square number of pixels per token, so it cannot work on canvases.");
        if (mode is null && manifest.HasDynamicSpatialAxes && onePassMaxTokens is { } limit)
        {
            return new SizeSwitchedCanvasCodec(For(pack, CanvasCodecMode.Dynamic), For(pack, CanvasCodecMode.Tiled, tiling), limit);
        }

        var chosen = mode ?? (manifest.HasDynamicSpatialAxes ? CanvasCodecMode.Dynamic : CanvasCodecMode.Tiled);
        return chosen switch
        {
            CanvasCodecMode.Dynamic when !manifest.HasDynamicSpatialAxes => throw new ModelPackException(
                $"Pack '{manifest.Name}' has fixed-size encoder and decoder graphs (schemaVersion {manifest.SchemaVersion}); " +
                "use the tiled canvas codec, or re-export the pack with dynamic spatial axes (schemaVersion 2)."),
            CanvasCodecMode.Dynamic => new DynamicCanvasCodec(pack.VqCodec, tokenSize, manifest.Latent.Height, manifest.Latent.Width),
            CanvasCodecMode.Tiled => new TiledCanvasCodec(pack.VqCodec, tokenSize, manifest.Latent.Height, manifest.Latent.Width, tiling ?? new CanvasTiling()),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown canvas codec mode"),
        };
    }
}
