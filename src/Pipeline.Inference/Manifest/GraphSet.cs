using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>The three graphs of a pack, and the optional int8 denoiser (same signature as <see cref="Denoiser"/>).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GraphSet(GraphSpec Encoder, GraphSpec Decoder, GraphSpec Denoiser, QuantizedGraphSpec? DenoiserInt8 = null)
{
    /// <summary>The denoiser graph for <paramref name="precision"/>, or null when the pack has none (only Int8 can be missing).</summary>
    public GraphSpec? DenoiserFor(DenoiserPrecision precision) => precision switch
    {
        DenoiserPrecision.Float32 => Denoiser,
        DenoiserPrecision.Int8 => DenoiserInt8?.Graph,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown denoiser precision"),
    };
}
