using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>
/// manifest.json of a model pack (schemas/model-pack.schema.json). Everything the serving side knows about a
/// model comes from here. <see cref="Quality"/> is kept as raw JSON: serving only reports it.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ModelPackManifest(
    int SchemaVersion,
    string Name,
    string Version,
    ImageSpec Image,
    LatentSpec Latent,
    int CodebookSize,
    int MaskId,
    int Opset,
    GraphSet Graphs,
    PackProvenance Provenance,
    PackLicense License,
    string? Description = null,
    SamplingDefaults? Sampling = null,
    JsonElement? Quality = null,
    string? Golden = null)
{
    /// <summary>Tokens per image: latent height × width.</summary>
    public int SequenceLength => Latent.Height * Latent.Width;
}
