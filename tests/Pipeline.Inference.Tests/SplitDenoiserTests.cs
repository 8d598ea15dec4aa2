namespace Pipeline.Inference.Tests;

/// <summary>The CPU thread layout (InferenceOptions.DenoiserSessions): splitting a forward's rows changes no row's logits.</summary>
public sealed class SplitDenoiserTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void Forward_TwoSessions_SameLogitsAsOneSession(int batch)
    {
        using var one = ModelPack.Load(TinyPack.FixtureDirectory, new InferenceOptions { Provider = ExecutionProvider.Cpu });
        using var two = ModelPack.Load(TinyPack.FixtureDirectory, new InferenceOptions { Provider = ExecutionProvider.Cpu, DenoiserSessions = 2 });
        var (n, v) = (one.Denoiser.SequenceLength, one.Denoiser.CodebookSize);
        var random = new Random(batch);
        // Ids 0..V, MASK (V) included; buffers longer than the batch needs, as the engine's are.
        var tokens = Enumerable.Range(0, (batch + 1) * n).Select(_ => (long)random.Next(v + 1)).ToArray();
        var expected = new float[(batch + 1) * n * v];
        var actual = new float[(batch + 1) * n * v];

        one.Denoiser.Forward(tokens, batch, expected);
        two.Denoiser.Forward(tokens, batch, actual);

        Assert.IsType<SplitDenoiser>(two.Denoiser);
        for (var i = 0; i < batch * n * v; i++)
        {
            // Other thread counts and row blockings may round differently in the last bits; nothing more.
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f, $"logit {i}: {expected[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void Load_OneSession_IsThePlainDenoiser()
    {
        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, new InferenceOptions { Provider = ExecutionProvider.Cpu });

        Assert.IsNotType<SplitDenoiser>(pack.Denoiser);
    }
}
