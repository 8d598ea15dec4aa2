using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>One ONNX graph of a pack: its file (relative to the pack folder), SHA-256 and signature.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GraphSpec(string File, string Sha256, IReadOnlyList<TensorSpec> Inputs, IReadOnlyList<TensorSpec> Outputs);
