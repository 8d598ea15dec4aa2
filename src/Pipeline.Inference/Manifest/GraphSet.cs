using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>The three graphs of a pack.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record GraphSet(GraphSpec Encoder, GraphSpec Decoder, GraphSpec Denoiser);
