using System.Text.Json.Nodes;

namespace Pipeline.Inference.Tests;

public class ModelPackTests
{
    private static readonly InferenceOptions Cpu = new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 };

    [Fact]
    public void Load_TinyPack_ExposesManifestPortsAndProvider()
    {
        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, Cpu);

        Assert.Equal("tiny-test", pack.Manifest.Name);
        Assert.Equal(ExecutionProvider.Cpu, pack.ActiveProvider);
        Assert.Equal((64, 32), (pack.Denoiser.SequenceLength, pack.Denoiser.CodebookSize));
        Assert.Equal((16, 16, 64, 32), (pack.Codec.ImageWidth, pack.Codec.ImageHeight, pack.Codec.SequenceLength, pack.Codec.CodebookSize));
    }

    [Fact]
    public void Load_ManifestShapesDisagreeWithTheGraph_NamesGraphTensorAndBothShapes()
    {
        // A self-consistent manifest for a 16-entry codebook, over graphs built for 32.
        using var copy = TinyPack.Copy(m =>
        {
            m["codebookSize"] = 16;
            m["maskId"] = 16;
            m["graphs"]!["denoiser"]!["outputs"]![0]!["shape"] = new JsonArray("batch", 64, 16);
            m["graphs"]!["denoiserInt8"]!["outputs"]![0]!["shape"] = new JsonArray("batch", 64, 16);
        });

        var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(copy.Directory, Cpu));

        Assert.Contains(
            "Graph 'denoiser' (denoiser.onnx) output 'logits': the manifest says float32 [batch, 64, 16] but the ONNX graph has float32 [batch, 64, 32]",
            e.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestNamesAnInputTheGraphLacks_ListsBothNameSets()
    {
        using var copy = TinyPack.Copy(m => m["graphs"]!["encoder"]!["inputs"]![0]!["name"] = "pixels");

        var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(copy.Directory, Cpu));

        Assert.Contains("Graph 'encoder' (vq_encoder.onnx): the manifest lists inputs [pixels] but the ONNX graph has [image]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GraphFileMissing_NamesIt()
    {
        using var copy = TinyPack.Copy();
        File.Delete(Path.Combine(copy.Directory, "vq_decoder.onnx"));

        var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(copy.Directory, Cpu));

        Assert.Contains("decoder graph file", e.Message, StringComparison.Ordinal);
        Assert.Contains("vq_decoder.onnx is missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GraphFileAltered_ReportsTheChecksumMismatch()
    {
        using var copy = TinyPack.Copy();
        File.AppendAllText(Path.Combine(copy.Directory, "denoiser.onnx"), "x");

        var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(copy.Directory, Cpu));

        Assert.Contains("SHA-256 of", e.Message, StringComparison.Ordinal);
        Assert.Contains(TinyPack.Manifest()["graphs"]!["denoiser"]!["sha256"]!.GetValue<string>(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FolderMissing_NamesIt()
    {
        var e = Assert.Throws<ModelPackException>(() => ModelPack.Load("/nonexistent/pack", Cpu));

        Assert.Contains("/nonexistent/pack", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_TokenAboveMask_ThrowsNamingThePosition()
    {
        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, Cpu);
        var tokens = new long[64];
        tokens[5] = 33;

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => pack.Denoiser.Forward(tokens, 1, new float[64 * 32]));

        Assert.Contains("position 5 holds 33", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_MaskToken_IsRejected()
    {
        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, Cpu);
        var ids = new long[64];
        ids[63] = 32;

        Assert.Throws<ArgumentOutOfRangeException>(() => pack.Codec.Decode(ids, 1, new float[3 * 16 * 16]));
    }

    [Fact]
    public void Forward_OutputBufferTooSmall_Throws()
    {
        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, Cpu);

        Assert.Throws<ArgumentException>(() => pack.Denoiser.Forward(new long[128], 2, new float[(2 * 64 * 32) - 1]));
    }

    [Fact]
    public void Forward_BuffersLargerThanTheBatch_UsesOnlyTheFirstRows()
    {
        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, Cpu);
        var tokens = Enumerable.Range(0, 4 * 64).Select(i => (long)(i % 33)).ToArray();
        var logits = new float[4 * 64 * 32];
        Array.Fill(logits, float.NaN);

        pack.Denoiser.Forward(tokens, 2, logits);

        Assert.All(logits[..(2 * 64 * 32)], v => Assert.False(float.IsNaN(v)));
        Assert.All(logits[(2 * 64 * 32)..], v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Forward_ConcurrentCalls_MatchSequentialResults()
    {
        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, Cpu);
        var inputs = Enumerable.Range(0, 8).Select(seed => RandomTokens(seed, 3 * 64)).ToArray();
        var expected = inputs.Select(t => Forward(pack, t, 3)).ToArray();

        var actual = new float[8][];
        Parallel.For(0, 8, i => actual[i] = Forward(pack, inputs[i], 3));

        Assert.All(Enumerable.Range(0, 8), i => Assert.Equal(expected[i], actual[i]));
    }

    [Fact]
    public void Forward_BatchZero_ThrowsNothingAndWritesNothing()
    {
        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, Cpu);
        // Buffers sized for one image and filled with a sentinel: a batch of 0 must leave every element as it was.
        var tokens = new long[pack.Denoiser.SequenceLength];
        var logits = Enumerable.Repeat(-7f, pack.Denoiser.SequenceLength * pack.Denoiser.CodebookSize).ToArray();
        var pixels = Enumerable.Repeat(-7f, 3 * pack.Codec.ImageHeight * pack.Codec.ImageWidth).ToArray();
        var ids = Enumerable.Repeat(-7L, pack.Codec.SequenceLength).ToArray();

        var error = Record.Exception(() =>
        {
            pack.Denoiser.Forward(tokens, 0, logits);
            pack.Codec.Encode(new float[pixels.Length], 0, ids);
            pack.Codec.Decode(tokens, 0, pixels);
        });

        Assert.Null(error);
        Assert.All(logits, value => Assert.Equal(-7f, value));
        Assert.All(ids, value => Assert.Equal(-7L, value));
        Assert.All(pixels, value => Assert.Equal(-7f, value));
    }

    private static long[] RandomTokens(int seed, int count)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (long)random.Next(0, 33)).ToArray();
    }

    private static float[] Forward(ModelPack pack, long[] tokens, int batch)
    {
        var logits = new float[batch * 64 * 32];
        pack.Denoiser.Forward(tokens, batch, logits);
        return logits;
    }
}
