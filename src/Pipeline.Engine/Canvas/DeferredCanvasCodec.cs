using Pipeline.Inference;
using Pipeline.Inference.Canvas;

namespace Pipeline.Engine.Canvas;

/// <summary>
/// The pack's canvas codec, built on first use: sizes come from the manifest at once, the codec itself
/// (<see cref="CanvasCodecs.For"/>, which may open sessions or probe graphs) only when a canvas job needs it, so loading a
/// pack costs nothing for hosts that never run one. On a pack with dynamic graphs, canvases above
/// <paramref name="onePassMaxTokens"/> tokens are tiled (<see cref="EngineOptions.CanvasOnePassMaxTokens"/>).
/// </summary>
internal sealed class DeferredCanvasCodec(ModelPack pack, int? onePassMaxTokens = null) : ICanvasCodec
{
    private readonly Lazy<ICanvasCodec> _codec = new(() => CanvasCodecs.For(pack, onePassMaxTokens: onePassMaxTokens));

    public int TokenSize => pack.Manifest.Image.Width / pack.Manifest.Latent.Width;
    public int ModelGridHeight => pack.Manifest.Latent.Height;
    public int ModelGridWidth => pack.Manifest.Latent.Width;
    public CanvasCodecMode Mode => _codec.Value.Mode;

    public CanvasCodecMode ModeFor(int gridHeight, int gridWidth) => _codec.Value.ModeFor(gridHeight, gridWidth);

    public void Encode(ReadOnlySpan<float> pixels, int heightPx, int widthPx, Span<long> ids) => _codec.Value.Encode(pixels, heightPx, widthPx, ids);

    public void Decode(ReadOnlySpan<long> ids, int gridHeight, int gridWidth, Span<float> pixels) =>
        _codec.Value.Decode(ids, gridHeight, gridWidth, pixels);
}
