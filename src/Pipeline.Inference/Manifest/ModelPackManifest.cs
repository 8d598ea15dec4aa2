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

    /// <summary>
    /// Whether the encoder and decoder take any canvas size in one pass (schemaVersion 2: image
    /// [batch, 3, height, width] ↔ token_ids [batch, gridHeight, gridWidth]); version 1 graphs are pinned to the image size.
    /// </summary>
    public bool HasDynamicSpatialAxes => SchemaVersion >= 2;

    /// <summary>Image pixels per token side (image width / latent width), or null when that is not a whole number equal on both axes.</summary>
    public int? TokenSize =>
        Latent.Width >= 1 && Latent.Height >= 1 && Image.Width % Latent.Width == 0 && Image.Height % Latent.Height == 0
        && Image.Width / Latent.Width == Image.Height / Latent.Height
            ? Image.Width / Latent.Width
            : null;
}
