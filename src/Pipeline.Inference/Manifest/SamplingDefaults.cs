using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>Per-pack defaults for jobs; every member optional.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SamplingDefaults(
    int? DefaultSteps = null,
    int? MinSteps = null,
    int? MaxSteps = null,
    double? DefaultTemperature = null,
    string? DefaultOrder = null);
