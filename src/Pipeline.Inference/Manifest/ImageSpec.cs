using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>The images a pack works on: size, channel count (always 3) and pixel value range at the graph boundary.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ImageSpec(int Width, int Height, int Channels, IReadOnlyList<double> PixelRange);
