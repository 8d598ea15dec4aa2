namespace Pipeline.Inference.Tests;

/// <summary>The tiny pack's graphs run here against the exporter's PyTorch outputs (golden vectors).</summary>
public class ParityTests : IDisposable
{
    private readonly ModelPack _pack = ModelPack.Load(TinyPack.FixtureDirectory, new InferenceOptions { IntraOpThreads = 1 });
    private readonly GoldenVectors _golden = GoldenVectors.Load(Path.Combine(TinyPack.FixtureDirectory, "golden", "golden.json"));

    [Fact]
    public void Encode_GoldenImages_GivesExactlyTheGoldenTokenIds()
    {
        var images = _golden["encoder.image"];
        var ids = new long[images.Batch * 64];

        _pack.Codec.Encode(images.Floats, images.Batch, ids);

        Assert.Equal(_golden["encoder.token_ids"].Longs, ids);
    }

    [Fact]
    public void Decode_GoldenIds_IsWithinTheDecoderTolerance()
    {
        var ids = _golden["decoder.token_ids"];
        var pixels = new float[ids.Batch * 3 * 16 * 16];

        _pack.Codec.Decode(ids.Longs, ids.Batch, pixels);

        Assert.InRange(MaxAbsDiff(pixels, _golden["decoder.image"].Floats!), 0, _golden.DecoderTolerance);
    }

    [Fact]
    public void Forward_GoldenGrids_IsWithinTheDenoiserTolerance()
    {
        var grids = _golden["denoiser.token_ids"];
        var logits = new float[grids.Batch * 64 * 32];

        _pack.Denoiser.Forward(grids.Longs, grids.Batch, logits);

        Assert.InRange(MaxAbsDiff(logits, _golden["denoiser.logits"].Floats!), 0, _golden.DenoiserTolerance);
    }

    [Fact]
    public void Forward_WithoutSpinningThreadPools_GivesTheSameLogits()
    {
        // The worker turns spinning off (its threads share the cores with the broker and database clients): a session
        // config entry ONNX Runtime must accept, and one that changes scheduling only, never the numbers.
        using var quiet = ModelPack.Load(TinyPack.FixtureDirectory, new InferenceOptions { Provider = ExecutionProvider.Cpu, AllowSpinning = false });
        var grids = _golden["denoiser.token_ids"];
        var expected = new float[grids.Batch * 64 * 32];
        var actual = new float[grids.Batch * 64 * 32];

        _pack.Denoiser.Forward(grids.Longs, grids.Batch, expected);
        quiet.Denoiser.Forward(grids.Longs, grids.Batch, actual);

        Assert.InRange(MaxAbsDiff(actual, expected), 0, 1e-5);
    }

    [Fact]
    public void Forward_RowByRow_MatchesTheBatchedRun()
    {
        // Rows of a batch must not see each other (no padding or attention leak across the batch axis).
        var grids = _golden["denoiser.token_ids"];
        var batched = new float[grids.Batch * 64 * 32];
        _pack.Denoiser.Forward(grids.Longs, grids.Batch, batched);

        for (var row = 0; row < grids.Batch; row++)
        {
            var single = new float[64 * 32];
            _pack.Denoiser.Forward(grids.Longs.AsSpan(row * 64, 64), 1, single);
            Assert.InRange(MaxAbsDiff(single, batched[(row * 64 * 32)..((row + 1) * 64 * 32)]), 0, 1e-4);
        }
    }

    [Fact]
    public void Verify_TinyPack_Passes()
    {
        var report = PackVerifier.Verify(_pack);

        Assert.True(report.Passed, report.ToString());
        Assert.Equal(4 * 64, report.EncoderIds);
        Assert.Equal(0, report.EncoderIdMismatches);
    }

    [Fact]
    public void Verify_PackWithoutGoldenVectors_SaysSo()
    {
        using var copy = TinyPack.Copy(m => m.Remove("golden"));
        using var pack = ModelPack.Load(copy.Directory, new InferenceOptions { Provider = ExecutionProvider.Cpu });

        var e = Assert.Throws<ModelPackException>(() => PackVerifier.Verify(pack));

        Assert.Contains("names no golden vectors", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _pack.Dispose();
        GC.SuppressFinalize(this);
    }

    private static double MaxAbsDiff(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
}
