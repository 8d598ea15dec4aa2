using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>The token grid: Height × Width tokens per image, row-major.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LatentSpec(int Height, int Width);
