using System.Text.Json.Nodes;

namespace Pipeline.Inference.Tests;

/// <summary>The optional int8 denoiser (manifest graphs.denoiserInt8) of the tiny pack: manifest rules, loading, parity, determinism.</summary>
public class Int8DenoiserTests
{
    private const int N = 64, V = 32;
    private static readonly InferenceOptions Fp32 = new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 };
    private static readonly InferenceOptions Int8 = Fp32 with { DenoiserPrecision = DenoiserPrecision.Int8 };

    [Fact]
    public void Parse_TinyPackManifest_ReadsTheInt8GraphAndItsParity()
    {
        var m = ManifestReader.Parse(TinyPack.Manifest().ToJsonString(), "test");

        var int8 = m.Graphs.DenoiserInt8!;
        Assert.Equal("denoiser.int8.onnx", int8.File);
        Assert.Equal(m.Graphs.Denoiser.Inputs, int8.Inputs);
        Assert.Equal(m.Graphs.Denoiser.Outputs, int8.Outputs);
        Assert.InRange(int8.Parity.MaxAbsDiff, 1e-3, 1);
        Assert.InRange(int8.Parity.MinTop1Agreement, 0.5, 1);
        Assert.Equal("per-row", int8.Quantization.GetProperty("activations").GetString());
        Assert.Same(m.Graphs.Denoiser, m.Graphs.DenoiserFor(DenoiserPrecision.Float32));
        Assert.Equal(int8.File, m.Graphs.DenoiserFor(DenoiserPrecision.Int8)!.File);
    }

    [Fact]
    public void Parse_ManifestWithoutInt8_HasNoInt8Denoiser()
    {
        var manifest = TinyPack.Manifest();
        manifest["graphs"]!.AsObject().Remove("denoiserInt8");

        var m = ManifestReader.Parse(manifest.ToJsonString(), "test");

        Assert.Null(m.Graphs.DenoiserInt8);
        Assert.Null(m.Graphs.DenoiserFor(DenoiserPrecision.Int8));
    }

    [Fact]
    public void Parse_Int8SignatureUnlikeTheDenoisers_IsRejected()
    {
        var e = Invalid(m => m["graphs"]!["denoiserInt8"]!["outputs"]![0]!["name"] = "scores");

        Assert.Contains("graphs.denoiserInt8 inputs/outputs must be the denoiser's", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Int8ShapeAgainstTheContract_NamesTheGraph()
    {
        var e = Invalid(m => m["graphs"]!["denoiserInt8"]!["outputs"]![0]!["shape"] = new JsonArray("batch", 64, 33));

        Assert.Contains("graphs.denoiserInt8.outputs 'logits' is float32 [batch, 64, 33]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Int8SharingAnotherGraphsFile_IsRejected()
    {
        var e = Invalid(m => m["graphs"]!["denoiserInt8"]!["file"] = "denoiser.onnx");

        Assert.Contains("must be a file of its own", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("maxAbsDiff", 0.0, "maxAbsDiff 0 must be a positive number")]
    [InlineData("minTop1Agreement", 1.5, "minTop1Agreement 1.5 must be between 0 and 1")]
    public void Parse_ParityOutOfRange_IsRejected(string field, double value, string expected)
    {
        var e = Invalid(m => m["graphs"]!["denoiserInt8"]!["parity"]![field] = value);

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Int8WithoutParity_IsRejected()
    {
        var e = Invalid(m => m["graphs"]!["denoiserInt8"]!.AsObject().Remove("parity"));

        Assert.Contains("parity", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Int8_RunsTheInt8GraphCloseToFloat32()
    {
        using var fp32 = ModelPack.Load(TinyPack.FixtureDirectory, Fp32);
        using var int8 = ModelPack.Load(TinyPack.FixtureDirectory, Int8);
        var tokens = RandomTokens(1, 4 * N);

        var a = Forward(fp32, tokens, 4);
        var b = Forward(int8, tokens, 4);

        Assert.Equal(DenoiserPrecision.Float32, fp32.DenoiserPrecision);
        Assert.Equal(DenoiserPrecision.Int8, int8.DenoiserPrecision);
        Assert.NotEqual(a, b);
        Assert.InRange(a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max(), 1e-6, 2 * int8.Manifest.Graphs.DenoiserInt8!.Parity.MaxAbsDiff);
    }

    [Fact]
    public void Load_Int8OnAPackWithoutIt_NamesThePackAndTheFix()
    {
        using var copy = TinyPack.Copy(m => m["graphs"]!.AsObject().Remove("denoiserInt8"));

        var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(copy.Directory, Int8));

        Assert.Contains("Pack 'tiny-test'", e.Message, StringComparison.Ordinal);
        Assert.Contains(copy.Directory, e.Message, StringComparison.Ordinal);
        Assert.Contains("graphs.denoiserInt8", e.Message, StringComparison.Ordinal);
        Assert.Contains("python3 -m pipeline_training.quantize --pack", e.Message, StringComparison.Ordinal);
        Assert.Contains("float32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Fp32_NeverOpensTheInt8File()
    {
        using var copy = TinyPack.Copy();
        File.Delete(Path.Combine(copy.Directory, "denoiser.int8.onnx"));

        using var pack = ModelPack.Load(copy.Directory, Fp32);

        Assert.Equal(DenoiserPrecision.Float32, pack.DenoiserPrecision);
    }

    [Fact]
    public void Load_Int8GraphAltered_ReportsTheChecksumOfThatFile()
    {
        using var copy = TinyPack.Copy();
        File.AppendAllText(Path.Combine(copy.Directory, "denoiser.int8.onnx"), "x");

        var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(copy.Directory, Int8));

        Assert.Contains("denoiser.int8.onnx", e.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Int8GraphDisagreesWithTheManifest_NamesTheInt8Graph()
    {
        // Both denoisers renamed alike, so the manifest is self-consistent but the int8 graph's output is "logits".
        using var copy = TinyPack.Copy(m =>
        {
            m["graphs"]!["denoiser"]!["outputs"]![0]!["name"] = "scores";
            m["graphs"]!["denoiserInt8"]!["outputs"]![0]!["name"] = "scores";
        });

        var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(copy.Directory, Int8));

        Assert.Contains("Graph 'denoiserInt8' (denoiser.int8.onnx): the manifest lists outputs [scores] but the ONNX graph has [logits]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_Int8_SameInputSameLogits_AcrossCallsAndPacks()
    {
        using var first = ModelPack.Load(TinyPack.FixtureDirectory, Int8);
        using var second = ModelPack.Load(TinyPack.FixtureDirectory, Int8);
        var tokens = RandomTokens(2, 3 * N);

        var expected = Forward(first, tokens, 3);

        Assert.Equal(expected, Forward(first, tokens, 3));
        Assert.Equal(expected, Forward(second, tokens, 3));
    }

    [Fact]
    public void Forward_Int8_ARowsLogitsDoNotDependOnTheRestOfTheBatch()
    {
        // Per-row activation scales: a job gets the same logits whoever shares its batched forward, so the engine's
        // "same seed, same tokens" holds under continuous batching at int8 as at float32.
        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, Int8);
        var row = RandomTokens(3, N);
        var quiet = row.Concat(Enumerable.Repeat((long)V, N)).ToArray();        // next to an all-MASK row
        var busy = RandomTokens(4, 5 * N).Concat(row).ToArray();                // last of six random rows

        var alone = Forward(pack, row, 1);

        Assert.Equal(alone, Forward(pack, quiet, 2)[..(N * V)]);
        Assert.Equal(alone, Forward(pack, busy, 6)[(5 * N * V)..]);
    }

    [Fact]
    public void Registry_Int8Options_LoadsEveryPackAtInt8()
    {
        using var registry = new ModelPackRegistry(
            new ModelPackRegistryOptions { SearchDirectories = [Path.GetDirectoryName(TinyPack.FixtureDirectory)!], Inference = Int8 },
            new ListLogger<ModelPackRegistry>());

        Assert.Equal(DenoiserPrecision.Int8, registry.Get("tiny-test").DenoiserPrecision);
    }

    [Fact]
    public void Verify_ChecksBothDenoisersWhicheverThePackServes()
    {
        foreach (var options in new[] { Fp32, Int8 })
        {
            using var pack = ModelPack.Load(TinyPack.FixtureDirectory, options);

            var report = PackVerifier.Verify(pack);

            Assert.True(report.Passed, report.ToString());
            Assert.Equal(1.0, report.DenoiserTop1Agreement);
            Assert.InRange(report.DenoiserMaxAbsDiff, 0, report.DenoiserTolerance);
            var int8 = report.DenoiserInt8!;
            Assert.True(int8.Passed, report.ToString());
            Assert.Equal("denoiser.int8.onnx", int8.File);
            Assert.Equal(3 * N, int8.Positions);
            Assert.InRange(int8.MaxAbsDiff, 1e-4, int8.Tolerance);
            Assert.InRange(int8.Top1Agreement, int8.MinTop1Agreement, 1);
            Assert.Contains("denoiser int8 (denoiser.int8.onnx) vs float32 golden", report.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Verify_Int8OutsideItsStatedTolerance_Fails()
    {
        using var copy = TinyPack.Copy(m => m["graphs"]!["denoiserInt8"]!["parity"]!["maxAbsDiff"] = 1e-6);
        using var pack = ModelPack.Load(copy.Directory, Fp32);

        var report = PackVerifier.Verify(pack);

        Assert.False(report.Passed);
        Assert.False(report.DenoiserInt8!.Passed);
        Assert.InRange(report.DenoiserMaxAbsDiff, 0, report.DenoiserTolerance); // the float32 graph is fine
        var lines = report.ToString().Split(Environment.NewLine);
        Assert.EndsWith("ok", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("  denoiser int8", lines[4], StringComparison.Ordinal);
        Assert.EndsWith("FAIL", lines[4], StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PackWithoutInt8_ReportsNoInt8Line()
    {
        using var copy = TinyPack.Copy(m => m["graphs"]!.AsObject().Remove("denoiserInt8"));
        using var pack = ModelPack.Load(copy.Directory, Fp32);

        var report = PackVerifier.Verify(pack);

        Assert.True(report.Passed, report.ToString());
        Assert.Null(report.DenoiserInt8);
        Assert.DoesNotContain("int8", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Top1Agreement_CountsPositionsWhoseArgMaxMatches()
    {
        float[] expected = [0, 1, 0, /**/ 2, 0, 0, /**/ 0, 0, 3];
        float[] actual = [0, 2, 1, /**/ 0, 5, 0, /**/ 1, 0, 4];

        Assert.Equal(2.0 / 3, PackVerifier.Top1Agreement(actual, expected, 3), 9);
    }

    private static ModelPackException Invalid(Action<JsonObject> edit)
    {
        var manifest = TinyPack.Manifest();
        edit(manifest);
        return Assert.Throws<ModelPackException>(() => ManifestReader.Parse(manifest.ToJsonString(), "test"));
    }

    private static long[] RandomTokens(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (long)random.Next(0, V + 1)).ToArray();
    }

    private static float[] Forward(ModelPack pack, long[] tokens, int batch)
    {
        var logits = new float[batch * N * V];
        pack.Denoiser.Forward(tokens, batch, logits);
        return logits;
    }
}
