using System.Text.Json.Nodes;

namespace Pipeline.Inference.Tests;

/// <summary>
/// The optional fp16 denoiser (manifest graphs.denoiserFp16): read and checked like the int8 one, ignored by packs
/// served at fp32 or int8, and refused on CPU (ONNX Runtime has no float16 kernels there) with a sentence saying what
/// to do. Its numbers are checked on a GPU (`pipeline pack verify --provider cuda --precision fp16`); the emoji-32
/// entry's figures come from training/pipeline_training/fp16.py.
/// </summary>
public class Fp16DenoiserTests
{
    private static readonly InferenceOptions Cpu = new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 };

    [Fact]
    public void Parse_ManifestWithFp16_ReadsTheGraphAndItsParity()
    {
        var m = ManifestReader.Parse(WithFp16(TinyPack.Manifest()).ToJsonString(), "test");

        var fp16 = m.Graphs.DenoiserFp16!;
        Assert.Equal("denoiser.fp16.onnx", fp16.File);
        Assert.Equal(fp16.File, m.Graphs.DenoiserFor(DenoiserPrecision.Float16)!.File);
        Assert.Same(fp16, m.Graphs.VariantFor(DenoiserPrecision.Float16));
        Assert.Equal(0.038, fp16.Parity.MaxAbsDiff);
    }

    [Fact]
    public void Parse_ManifestWithoutFp16_HasNone()
    {
        var m = ManifestReader.Parse(TinyPack.Manifest().ToJsonString(), "test");

        Assert.Null(m.Graphs.DenoiserFp16);
        Assert.Null(m.Graphs.DenoiserFor(DenoiserPrecision.Float16));
    }

    [Fact]
    public void Parse_Fp16ShapeAgainstTheContract_NamesTheGraph()
    {
        var manifest = WithFp16(TinyPack.Manifest());
        manifest["graphs"]!["denoiserFp16"]!["outputs"]![0]!["shape"] = new JsonArray("batch", 64, 33);

        var e = Assert.Throws<ModelPackException>(() => ManifestReader.Parse(manifest.ToJsonString(), "test"));

        Assert.Contains("graphs.denoiserFp16.outputs 'logits' is float32 [batch, 64, 33]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Fp16SharingTheInt8File_IsRejected()
    {
        var manifest = WithFp16(TinyPack.Manifest());
        manifest["graphs"]!["denoiserFp16"]!["file"] = "denoiser.int8.onnx";

        var e = Assert.Throws<ModelPackException>(() => ManifestReader.Parse(manifest.ToJsonString(), "test"));

        Assert.Contains("must be a file of its own", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DenoiserPrecision.Float32)]
    [InlineData(DenoiserPrecision.Int8)]
    public void Load_PackWithFp16_ServedAtTheOtherPrecisionsOnCpu_NeverOpensTheFp16File(DenoiserPrecision precision)
    {
        // The entry names a file that is not there: only a load that used it would notice.
        using var copy = TinyPack.Copy(m => WithFp16(m));

        using var pack = ModelPack.Load(copy.Directory, Cpu with { DenoiserPrecision = precision });

        Assert.Equal(precision, pack.DenoiserPrecision);
        Assert.NotNull(pack.Manifest.Graphs.DenoiserFp16);
    }

    [Fact]
    public void Load_Fp16OnCpu_FailsSayingItNeedsCuda()
    {
        using var copy = TinyPack.Copy(m => WithFp16(m));

        var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(copy.Directory, Cpu with { DenoiserPrecision = DenoiserPrecision.Float16 }));

        Assert.Contains("the fp16 denoiser is served only on the CUDA provider", e.Message, StringComparison.Ordinal);
        Assert.Contains("--provider cuda", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Fp16OnAPackWithoutIt_FailsNamingTheFix()
    {
        // Auto: not refused for the provider up front, so the missing graph is what is reported.
        var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(TinyPack.FixtureDirectory, new InferenceOptions { DenoiserPrecision = DenoiserPrecision.Float16 }));

        Assert.Contains("has no fp16 denoiser (manifest graphs.denoiserFp16)", e.Message, StringComparison.Ordinal);
        Assert.Contains("pipeline_training.fp16 --pack", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Fp16UnderAuto_RunsOnCudaOrFailsRatherThanRunOnCpu()
    {
        // The fp32 graph under the fp16 entry's name: the same signature, so only the provider decides.
        using var copy = TinyPack.Copy(m => WithFp16(m));
        File.Copy(Path.Combine(copy.Directory, "denoiser.onnx"), Path.Combine(copy.Directory, "denoiser.fp16.onnx"));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(copy.Directory, "denoiser.fp16.onnx"))));
        var manifestPath = Path.Combine(copy.Directory, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest["graphs"]!["denoiserFp16"]!["sha256"] = sha;
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var options = new InferenceOptions { DenoiserPrecision = DenoiserPrecision.Float16 };

        if (CudaHost.IsAvailable)
        {
            using var pack = ModelPack.Load(copy.Directory, options);
            Assert.Equal(ExecutionProvider.Cuda, pack.ActiveProvider);
            Assert.Equal(DenoiserPrecision.Float16, pack.DenoiserPrecision);
        }
        else
        {
            var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(copy.Directory, options));
            Assert.Contains("the CUDA provider did not load, so the pack fell back to the CPU", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Verify_Emoji32OnCpu_ChecksTheFp16GraphAndSaysWhatThatDoesNotShow()
    {
        // ONNX Runtime 1.31 runs the fp16 graph on CPU with float32 Casts around the operators it has no float16
        // kernel for: closer to the fp32 golden logits than real float16 (measured 0.0047 against NumPy's 0.0185).
        using var pack = ModelPack.Load(Path.Combine(RepositoryRoot(), "models", "emoji-32"), Cpu);

        var report = PackVerifier.Verify(pack);

        Assert.True(report.Passed, report.ToString());
        Assert.NotNull(report.DenoiserFp16);
        Assert.True(report.DenoiserFp16.MaxAbsDiff <= pack.Manifest.Graphs.DenoiserFp16!.Parity.MaxAbsDiff);
        Assert.Contains("denoiser fp16 (denoiser.fp16.onnx) vs float32 golden", report.ToString(), StringComparison.Ordinal);
        Assert.Contains("checked only with --provider cuda on a GPU", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Emoji32_StatesItsFp16Parity()
    {
        var path = Path.Combine(RepositoryRoot(), "models", "emoji-32", "manifest.json");
        var m = ManifestReader.Read(path);

        var fp16 = m.Graphs.DenoiserFp16!;
        Assert.Equal("denoiser.fp16.onnx", fp16.File);
        Assert.True(fp16.Parity.MeasuredMaxAbsDiff < fp16.Parity.MaxAbsDiff);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, fp16.File)));
    }

    // The tiny pack's manifest with a denoiserFp16 entry like the exporter writes (the file itself is not there).
    private static JsonObject WithFp16(JsonObject manifest)
    {
        var graphs = manifest["graphs"]!.AsObject();
        var entry = graphs["denoiserInt8"]!.DeepClone().AsObject();
        entry["file"] = "denoiser.fp16.onnx";
        entry["sha256"] = new string('0', 64);
        entry["quantization"] = new JsonObject { ["weights"] = "float16", ["activations"] = "float16", ["sourceSha256"] = graphs["denoiser"]!["sha256"]!.GetValue<string>() };
        entry["parity"] = new JsonObject { ["maxAbsDiff"] = 0.038, ["minTop1Agreement"] = 0.98 };
        graphs["denoiserFp16"] = entry;
        return manifest;
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Pipeline.sln not found above " + AppContext.BaseDirectory);
    }
}
