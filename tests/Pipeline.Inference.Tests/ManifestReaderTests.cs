using System.Text.Json.Nodes;

namespace Pipeline.Inference.Tests;

public class ManifestReaderTests
{
    [Fact]
    public void Parse_TinyPackManifest_ReadsEveryField()
    {
        var m = Parse(TinyPack.Manifest());

        Assert.Equal("tiny-test", m.Name);
        Assert.Equal((16, 16), (m.Image.Width, m.Image.Height));
        Assert.Equal(64, m.SequenceLength);
        Assert.Equal(32, m.MaskId);
        Assert.Equal("[batch, 64, 32]", m.Graphs.Denoiser.Outputs[0].Shape.ToString());
        Assert.Equal(8, m.Sampling!.DefaultSteps);
        Assert.Equal("golden/golden.json", m.Golden);
    }

    [Fact]
    public void Parse_SchemaExample_FailsOnlyOnItsPlaceholderChecksums()
    {
        var json = File.ReadAllText(Path.Combine(TinyPack.FixtureDirectory, "..", "..", "..", "schemas", "model-pack.example.json"));

        var e = Assert.Throws<ModelPackException>(() => ManifestReader.Parse(json, "example"));

        var problems = e.Message.Split('\n').Skip(1).ToArray();
        Assert.Equal(3, problems.Length);
        Assert.All(problems, p => Assert.Contains(".sha256 '<64 hex>'", p, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_MaskIdNotCodebookSize_SaysBoth()
    {
        var e = Invalid(m => m["maskId"] = 33);

        Assert.Contains("maskId 33 must equal codebookSize 32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingRequiredMember_NamesIt()
    {
        var e = Invalid(m => m.Remove("latent"));

        Assert.Contains("latent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownMember_IsRejectedAsATypo()
    {
        var e = Invalid(m => m["maskID"] = 32);

        Assert.Contains("maskID", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SymbolicDimensionOtherThanBatch_IsRejected()
    {
        var e = Invalid(m => m["graphs"]!["denoiser"]!["outputs"]![0]!["shape"]![1] = "seq");

        Assert.Contains("\"seq\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GraphShapeDisagreesWithLatentGrid_NamesGraphTensorAndBothShapes()
    {
        var e = Invalid(m => m["latent"]!["width"] = 4);

        Assert.Contains("graphs.denoiser.outputs 'logits' is float32 [batch, 64, 32]", e.Message, StringComparison.Ordinal);
        Assert.Contains("require float32 [batch, 32, 32]", e.Message, StringComparison.Ordinal);
        Assert.Contains("graphs.encoder.outputs 'token_ids'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WrongDtype_IsRejected()
    {
        var e = Invalid(m => m["graphs"]!["decoder"]!["inputs"]![0]!["dtype"] = "float32");

        Assert.Contains("graphs.decoder.inputs 'token_ids' is float32 [batch, 64]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PixelRangeOtherThanZeroToOne_IsRejected()
    {
        var e = Invalid(m => m["image"]!["pixelRange"] = new JsonArray(-1, 1));

        Assert.Contains("pixelRange [-1, 1] is not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GraphFileOutsideThePack_IsRejected()
    {
        var e = Invalid(m => m["graphs"]!["encoder"]!["file"] = "../evil.onnx");

        Assert.Contains("graphs.encoder.file '../evil.onnx'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StepsOutOfOrder_IsRejected()
    {
        var e = Invalid(m => m["sampling"]!["minSteps"] = 100);

        Assert.Contains("minSteps ≤ defaultSteps ≤ maxSteps", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PriorityBlocks_ReadPerClass()
    {
        var m = Parse(Edited(m => m["sampling"]!["priorities"] = new JsonObject
        {
            ["interactive"] = new JsonObject { ["defaultSteps"] = 4, ["minSteps"] = 2, ["backlogAtMinimum"] = 0 },
            ["bulk"] = new JsonObject { ["maxSteps"] = 16 },
        }));

        var priorities = m.Sampling!.Priorities!;
        Assert.Equal(new StepBudgetSpec(DefaultSteps: 4, MinSteps: 2, BacklogAtMinimum: 0), priorities.For(Pipeline.Contracts.PriorityClass.Interactive));
        Assert.Null(priorities.Standard);
        Assert.Equal(16, priorities.Bulk!.MaxSteps);
    }

    [Fact]
    public void Parse_WithoutPriorityBlocks_StaysValid()
    {
        Assert.Null(Parse(TinyPack.Manifest()).Sampling!.Priorities);
    }

    [Theory]
    [InlineData("standard", "minSteps", 40, "sampling.priorities.standard: steps must satisfy minSteps ≤ defaultSteps ≤ maxSteps")]
    [InlineData("bulk", "maxSteps", 0, "sampling.priorities.bulk: steps must be at least 1")]
    [InlineData("interactive", "backlogAtMinimum", -1, "sampling.priorities.interactive: backlogAtMinimum -1 must be at least 0")]
    public void Parse_BadPriorityBlock_NamesTheClassAndTheRule(string priority, string field, int value, string expected)
    {
        var e = Invalid(m => m["sampling"]!["priorities"] = new JsonObject
        {
            [priority] = new JsonObject { [field] = value, ["defaultSteps"] = 8 },
        });

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownPriorityClassOrField_IsRejectedAsATypo()
    {
        Assert.Contains("urgent", Invalid(m => m["sampling"]!["priorities"] = new JsonObject { ["urgent"] = new JsonObject() }).Message, StringComparison.Ordinal);
        Assert.Contains("minStep", Invalid(m => m["sampling"]!["priorities"] = new JsonObject
        {
            ["bulk"] = new JsonObject { ["minStep"] = 2 },
        }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ConfidenceKnobs_AreRead()
    {
        var m = Parse(Edited(m => m["sampling"]!["confidence"] = new JsonObject
        {
            ["noise"] = 2.0, ["noiseAnneal"] = "cosine", ["schedule"] = "square", ["temperatureStart"] = 1.1, ["temperatureEnd"] = 0.9,
        }));

        Assert.Equal(new ConfidenceSamplingSpec(2.0, "cosine", "square", 1.1, 0.9), m.Sampling!.Confidence);
    }

    [Theory]
    [InlineData("noise", -1.0, "sampling.confidence.noise -1 must be a finite number of at least 0.")]
    [InlineData("noiseAnneal", "exponential", "sampling.confidence.noiseAnneal 'exponential' must be one of linear, cosine, constant.")]
    [InlineData("schedule", "Cosine", "sampling.confidence.schedule 'Cosine' must be one of cosine, linear, square, cubic.")]
    [InlineData("temperatureEnd", 0.0, "sampling.confidence.temperatureEnd 0 must be a finite number above 0.")]
    public void Parse_BadConfidenceKnob_NamesTheField(string field, object value, string expected)
    {
        var e = Invalid(m => m["sampling"]!["confidence"] = new JsonObject
        {
            [field] = value is string text ? JsonValue.Create(text) : JsonValue.Create((double)value),
        });

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ConfidenceBySteps_IsReadWithEachEntrysOwnKnobs()
    {
        var m = Parse(Edited(m => m["sampling"]!["confidence"] = new JsonObject
        {
            ["schedule"] = "square",
            ["bySteps"] = new JsonArray(new JsonObject { ["minSteps"] = 12, ["schedule"] = "cosine" }, new JsonObject { ["minSteps"] = 32, ["noise"] = 2.0 }),
        }));

        var ranges = m.Sampling!.Confidence!.BySteps!;
        Assert.Equal([new ConfidenceStepRangeSpec(12, Schedule: "cosine"), new ConfidenceStepRangeSpec(32, Noise: 2.0)], ranges);
        Assert.Equal(new ConfidenceSamplingSpec(4.5, "linear", "cosine", 1.0, 1.0),
            new ConfidenceSamplingSpec(4.5, "linear", "square", 1.0, 1.0).Over(ranges[0]));
    }

    [Theory]
    [InlineData("[{\"schedule\": \"cosine\"}]", "sampling.confidence.bySteps[0].minSteps must be given as a whole number of at least 1; got none.")]
    [InlineData("[{\"minSteps\": 0}]", "sampling.confidence.bySteps[0].minSteps must be given as a whole number of at least 1; got 0.")]
    [InlineData("[{\"minSteps\": 16}, {\"minSteps\": 12}]",
        "sampling.confidence.bySteps[1].minSteps 12 must be above the previous entry's 16: list the ranges in ascending minSteps, each once.")]
    [InlineData("[{\"minSteps\": 12, \"schedule\": \"spiral\"}]",
        "sampling.confidence.bySteps[0].schedule 'spiral' must be one of cosine, linear, square, cubic.")]
    [InlineData("[{\"minSteps\": 12, \"noise\": -2}]", "sampling.confidence.bySteps[0].noise -2 must be a finite number of at least 0.")]
    public void Parse_BadConfidenceBySteps_NamesTheEntryAndField(string bySteps, string expected)
    {
        var e = Invalid(m => m["sampling"]!["confidence"] = new JsonObject { ["bySteps"] = JsonNode.Parse(bySteps) });

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestedBySteps_IsRejected()
    {
        var e = Invalid(m => m["sampling"]!["confidence"] = new JsonObject
        {
            ["bySteps"] = JsonNode.Parse("[{\"minSteps\": 12, \"bySteps\": []}]"),
        });

        Assert.Contains("bySteps", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownConfidenceField_IsRejectedAsATypo()
    {
        Assert.Contains("noize", Invalid(m => m["sampling"]!["confidence"] = new JsonObject { ["noize"] = 1.0 }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MalformedJson_SaysWhere()
    {
        var e = Assert.Throws<ModelPackException>(() => ManifestReader.Parse("{\n  \"name\": \"x\",\n  oops\n}", "broken.json"));

        Assert.Contains("broken.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_NamesThePath()
    {
        var e = Assert.Throws<ModelPackException>(() => ManifestReader.Read("/nonexistent/manifest.json"));

        Assert.Contains("/nonexistent/manifest.json", e.Message, StringComparison.Ordinal);
    }

    private static ModelPackManifest Parse(JsonObject manifest) => ManifestReader.Parse(manifest.ToJsonString(), "test");

    private static ModelPackException Invalid(Action<JsonObject> edit) => Assert.Throws<ModelPackException>(() => Parse(Edited(edit)));

    private static JsonObject Edited(Action<JsonObject> edit)
    {
        var manifest = TinyPack.Manifest();
        edit(manifest);
        return manifest;
    }
}
