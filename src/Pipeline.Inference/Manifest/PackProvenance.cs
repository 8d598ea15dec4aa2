using System.Text.Json;

namespace Pipeline.Inference;

/// <summary>Where a pack's weights come from; recorded with results.</summary>
public sealed record PackProvenance(
    string Dataset,
    IReadOnlyDictionary<string, long> TrainingSteps,
    string SourceCheckpoint,
    string? Exporter = null,
    DateTimeOffset? CreatedAt = null,
    JsonElement? Architecture = null);
