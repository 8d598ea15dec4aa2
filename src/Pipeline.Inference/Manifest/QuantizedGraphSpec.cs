using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>
/// A quantized variant of a pack graph (today: <c>graphs.denoiserInt8</c>): the graph itself, how it was quantized
/// (kept as raw JSON: serving only reports it) and its stated parity with the float32 golden outputs.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record QuantizedGraphSpec(
    string File,
    string Sha256,
    IReadOnlyList<TensorSpec> Inputs,
    IReadOnlyList<TensorSpec> Outputs,
    JsonElement Quantization,
    QuantizedParity Parity)
{
    /// <summary>The graph part (file, checksum, signature), checked and loaded like any other graph.</summary>
    [JsonIgnore]
    public GraphSpec Graph => new(File, Sha256, Inputs, Outputs);
}

/// <summary>
/// How close a quantized denoiser's logits are to the float32 golden logits on the golden grids (all grids in one
/// batch): <c>pipeline pack verify</c> fails when the max |diff| exceeds <see cref="MaxAbsDiff"/> or the share of
/// positions whose argmax agrees falls below <see cref="MinTop1Agreement"/>. The measured figures are the exporter's.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record QuantizedParity(
    double MaxAbsDiff,
    double MinTop1Agreement,
    double? MeasuredMaxAbsDiff = null,
    double? MeasuredTop1Agreement = null,
    string? Against = null);
