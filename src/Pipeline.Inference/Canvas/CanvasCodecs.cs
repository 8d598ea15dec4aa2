namespace Pipeline.Inference.Canvas;

/// <summary>Builds the <see cref="ICanvasCodec"/> a loaded pack supports.</summary>
public static class CanvasCodecs
{
    /// <summary>
    /// The canvas codec of <paramref name="pack"/>: <see cref="CanvasCodecMode.Dynamic"/> when its encoder and decoder
    /// have dynamic spatial axes (manifest schemaVersion 2), else <see cref="CanvasCodecMode.Tiled"/>.
    /// <paramref name="mode"/> forces a mode: Tiled works on every pack; Dynamic on a fixed-graph pack throws
    /// <see cref="ModelPackException"/>. The codec uses the pack's sessions: dispose the pack, not the codec.
    /// </summary>
    public static ICanvasCodec For(ModelPack pack, CanvasCodecMode? mode = null) =>
        throw new NotImplementedException("canvas codec: interface first, implementation follows on branch canvascodec");
}
