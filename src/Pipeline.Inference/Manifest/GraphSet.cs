using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>
/// The three graphs of a pack, and the optional int8 and float16 denoisers (same signature as <see cref="Denoiser"/>).
/// Both are optional members of the same schema version: a pack without them is served as before.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GraphSet(GraphSpec Encoder, GraphSpec Decoder, GraphSpec Denoiser, QuantizedGraphSpec? DenoiserInt8 = null,
    QuantizedGraphSpec? DenoiserFp16 = null)
{
    /// <summary>The denoiser graph for <paramref name="precision"/>, or null when the pack has none (Int8 and Float16 can be missing).</summary>
    public GraphSpec? DenoiserFor(DenoiserPrecision precision) => precision switch
    {
        DenoiserPrecision.Float32 => Denoiser,
        DenoiserPrecision.Int8 => DenoiserInt8?.Graph,
        DenoiserPrecision.Float16 => DenoiserFp16?.Graph,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown denoiser precision"),
    };

    /// <summary>The stated variant (file, how it was made, parity) for <paramref name="precision"/>; null for Float32 or when absent.</summary>
    public QuantizedGraphSpec? VariantFor(DenoiserPrecision precision) => precision switch
    {
        DenoiserPrecision.Int8 => DenoiserInt8,
        DenoiserPrecision.Float16 => DenoiserFp16,
        _ => null,
    };
}
