using System.Text.Json.Nodes;
using Pipeline.Inference.Canvas;

namespace Pipeline.Inference.Tests.Canvas;

/// <summary>The pack contract's two versions: v1 (fixed graphs) and v2 (dynamic spatial axes) both load; mixtures do not.</summary>
public class CanvasManifestTests
{
    private static readonly InferenceOptions Cpu = new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 };
    private static readonly string[] CodecRoles = ["encoder", "decoder"];

    [Fact]
    public void Load_V1AndV2Packs_BothLoadWithTheirVersionAndCanvasMode()
    {
        using var v1 = ModelPack.Load(TinyPack.FixtureDirectory, Cpu);
        using var v2 = ModelPack.Load(CanvasPacks.V2Directory, Cpu);

        Assert.Equal((1, false), (v1.Manifest.SchemaVersion, v1.Manifest.HasDynamicSpatialAxes));
        Assert.Equal((2, true), (v2.Manifest.SchemaVersion, v2.Manifest.HasDynamicSpatialAxes));
        Assert.Equal(CanvasCodecMode.Tiled, CanvasCodecs.For(v1).Mode);
        Assert.Equal(CanvasCodecMode.Dynamic, CanvasCodecs.For(v2).Mode);
        Assert.Equal(CanvasCodecMode.Tiled, CanvasCodecs.For(v2, CanvasCodecMode.Tiled).Mode);
        var codec = CanvasCodecs.For(v2);
        Assert.Equal((2, 8, 8), (codec.TokenSize, codec.ModelGridHeight, codec.ModelGridWidth));
        Assert.Equal("[batch, 3, height, width]", v2.Manifest.Graphs.Encoder.Inputs[0].Shape.ToString());
        Assert.Equal("[batch, gridHeight, gridWidth]", v2.Manifest.Graphs.Decoder.Inputs[0].Shape.ToString());
    }

    [Fact]
    public void For_DynamicAskedOfAFixedPack_SaysToTileOrReExport()
    {
        using var v1 = ModelPack.Load(TinyPack.FixtureDirectory, Cpu);

        var e = Assert.Throws<ModelPackException>(() => CanvasCodecs.For(v1, CanvasCodecMode.Dynamic));

        Assert.Contains("fixed-size encoder and decoder graphs (schemaVersion 1)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_V1ManifestWithSpatialAxes_IsRejected()
    {
        var manifest = V2Manifest();
        manifest["schemaVersion"] = 1;

        var e = Assert.Throws<ModelPackException>(() => ManifestReader.Parse(manifest.ToJsonString(), "test"));

        Assert.Contains("graphs.encoder.inputs 'image' is float32 [batch, 3, height, width]; image, latent and codebook sizes require float32 [batch, 3, 16, 16]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_V2ManifestWithFixedCodecShapes_IsRejected()
    {
        var manifest = TinyPack.Manifest();
        manifest["schemaVersion"] = 2;

        var e = Assert.Throws<ModelPackException>(() => ManifestReader.Parse(manifest.ToJsonString(), "test"));

        Assert.Contains("graphs.decoder.inputs 'token_ids' is int64 [batch, 64]; image, latent and codebook sizes require int64 [batch, gridHeight, gridWidth]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_V2ManifestWithSpatialAxesOnTheDenoiser_IsRejected()
    {
        var manifest = V2Manifest();
        manifest["graphs"]!["denoiser"]!["inputs"]![0]!["shape"] = new JsonArray("batch", "gridHeight", "gridWidth");

        var e = Assert.Throws<ModelPackException>(() => ManifestReader.Parse(manifest.ToJsonString(), "test"));

        Assert.Contains("graphs.denoiser.inputs 'token_ids' is int64 [batch, gridHeight, gridWidth]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_V2ManifestWhoseTokensAreNotWholePixels_IsRejected()
    {
        var manifest = V2Manifest();
        manifest["image"]!["width"] = 17;

        var e = Assert.Throws<ModelPackException>(() => ManifestReader.Parse(manifest.ToJsonString(), "test"));

        Assert.Contains("schemaVersion 2 needs a whole, square token size", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownSchemaVersion_NamesTheVersionsRead()
    {
        var manifest = V2Manifest();
        manifest["schemaVersion"] = 3;

        var e = Assert.Throws<ModelPackException>(() => ManifestReader.Parse(manifest.ToJsonString(), "test"));

        Assert.Contains("schemaVersion is 3; this build reads versions 1 and 2.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_V2ManifestOverFixedGraphs_FailsOnTheGraphSignature()
    {
        // The v1 graphs with a manifest that claims dynamic axes: the graph check must catch the lie at load.
        using var copy = TinyPack.Copy(m =>
        {
            var v2 = V2Manifest();
            m["schemaVersion"] = 2;
            foreach (var role in CodecRoles)
            {
                m["graphs"]![role]!["inputs"] = v2["graphs"]![role]!["inputs"]!.DeepClone();
                m["graphs"]![role]!["outputs"] = v2["graphs"]![role]!["outputs"]!.DeepClone();
            }
        });

        var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(copy.Directory, Cpu));

        Assert.Contains("Graph 'encoder' (vq_encoder.onnx) input 'image': the manifest says float32 [batch, 3, height, width] but the ONNX graph has float32 [batch, 3, 16, 16]", e.Message, StringComparison.Ordinal);
    }

    private static JsonObject V2Manifest() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(CanvasPacks.V2Directory, "manifest.json")))!.AsObject();
}
