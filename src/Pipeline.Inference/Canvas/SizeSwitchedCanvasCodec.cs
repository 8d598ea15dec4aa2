namespace Pipeline.Inference.Canvas;

/// <summary>
/// One pass for canvases up to <see cref="OnePassMaxTokens"/> tokens, tiles above: the one-pass decode is not local
/// (GroupNorm over the whole canvas, attention across its whole token grid), so far beyond the model's size it makes a
/// noisier image than the model makes at its own size, and its attention matrix grows with the square of the token
/// count; tiles stay at the model's size whatever the canvas (models/emoji-32/README.md, canvases).
/// </summary>
internal sealed class SizeSwitchedCanvasCodec : ICanvasCodec
{
    private readonly ICanvasCodec _onePass;
    private readonly ICanvasCodec _tiled;

    public SizeSwitchedCanvasCodec(ICanvasCodec onePass, ICanvasCodec tiled, int onePassMaxTokens)
    {
        ArgumentNullException.ThrowIfNull(onePass);
        ArgumentNullException.ThrowIfNull(tiled);
        ArgumentOutOfRangeException.ThrowIfNegative(onePassMaxTokens);
        if (onePass.TokenSize != tiled.TokenSize || onePass.ModelGridHeight != tiled.ModelGridHeight || onePass.ModelGridWidth != tiled.ModelGridWidth)
        {
            throw new ArgumentException("The one-pass and tiled codecs must be of one pack (token size and model grid).", nameof(tiled));
        }

        (_onePass, _tiled, OnePassMaxTokens) = (onePass, tiled, onePassMaxTokens);
    }

    /// <summary>The largest canvas, in tokens (grid height × width), that runs in one pass.</summary>
    public int OnePassMaxTokens { get; }

    public int TokenSize => _onePass.TokenSize;

    public int ModelGridHeight => _onePass.ModelGridHeight;

    public int ModelGridWidth => _onePass.ModelGridWidth;

    /// <summary>The mode of the canvases up to the threshold (<see cref="ModeFor"/> gives each size's).</summary>
    public CanvasCodecMode Mode => _onePass.Mode;

    public CanvasCodecMode ModeFor(int gridHeight, int gridWidth) => For(gridHeight, gridWidth).Mode;

    public void Encode(ReadOnlySpan<float> pixels, int heightPx, int widthPx, Span<long> ids)
    {
        // A size that is not whole tokens goes to either codec, which says what is wrong with it.
        var codec = heightPx % TokenSize == 0 && widthPx % TokenSize == 0 ? For(heightPx / TokenSize, widthPx / TokenSize) : _onePass;
        codec.Encode(pixels, heightPx, widthPx, ids);
    }

    public void Decode(ReadOnlySpan<long> ids, int gridHeight, int gridWidth, Span<float> pixels) =>
        For(gridHeight, gridWidth).Decode(ids, gridHeight, gridWidth, pixels);

    private ICanvasCodec For(int gridHeight, int gridWidth) =>
        (long)gridHeight * gridWidth <= OnePassMaxTokens ? _onePass : _tiled;
}
