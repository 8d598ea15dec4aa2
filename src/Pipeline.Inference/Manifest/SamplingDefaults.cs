using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>
/// Per-pack defaults for jobs (manifest <c>sampling</c>); every member optional. <see cref="DefaultSteps"/>,
/// <see cref="MinSteps"/> and <see cref="MaxSteps"/> hold for every priority class; <see cref="Priorities"/> sets a
/// class's own values over them. <see cref="Confidence"/> holds the confidence order's schedule knobs.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SamplingDefaults(
    int? DefaultSteps = null,
    int? MinSteps = null,
    int? MaxSteps = null,
    double? DefaultTemperature = null,
    string? DefaultOrder = null,
    PriorityStepBudgets? Priorities = null,
    ConfidenceSamplingSpec? Confidence = null);
