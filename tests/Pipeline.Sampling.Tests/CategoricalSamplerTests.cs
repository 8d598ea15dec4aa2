namespace Pipeline.Sampling.Tests;

/// <summary>The draw itself: its distribution, top-K, extreme temperatures and unusable logits.</summary>
public sealed class CategoricalSamplerTests
{
    private static readonly float[] Logits = [1f, 3f, 0f, 2f, -1f, 3f];

    [Fact]
    public void Sample_FrequenciesFollowTheSoftmax()
    {
        var random = new Xoshiro256StarStar(42);
        var scratch = new float[Logits.Length];
        var counts = new int[Logits.Length];
        const int Draws = 60_000;
        for (var i = 0; i < Draws; i++)
        {
            counts[CategoricalSampler.Sample(Logits, 1f, null, scratch, random, out _)]++;
        }

        var z = Logits.Sum(l => Math.Exp(l));
        for (var i = 0; i < Logits.Length; i++)
        {
            Assert.InRange(counts[i] / (double)Draws, Math.Exp(Logits[i]) / z - 0.01, Math.Exp(Logits[i]) / z + 0.01);
        }
    }

    [Fact]
    public void Sample_LogProbabilityIsThatOfTheDrawnIndex()
    {
        var index = CategoricalSampler.Sample(Logits, 1f, null, new float[Logits.Length], new Xoshiro256StarStar(7), out var logProbability);

        Assert.Equal(Logits[index] - Math.Log(Logits.Sum(l => Math.Exp(l))), logProbability, 5);
    }

    [Fact]
    public void Sample_TopK_NeverDrawsBelowTheKthLargest_TiesAtTheKthAllKept()
    {
        var random = new Xoshiro256StarStar(3);
        var scratch = new float[Logits.Length];
        var seen = new HashSet<int>();
        for (var i = 0; i < 2_000; i++)
        {
            seen.Add(CategoricalSampler.Sample(Logits, 5f, 2, scratch, random, out _));
        }

        Assert.Equal([1, 5], seen.Order()); // the two 3s
        for (var i = 0; i < 2_000; i++)
        {
            seen.Add(CategoricalSampler.Sample(Logits, 5f, 3, scratch, random, out _));
        }

        Assert.Equal([1, 3, 5], seen.Order());
    }

    [Theory]
    [InlineData(1e-30f)]
    [InlineData(1e-45f)] // the smallest float: 1/τ would overflow to ∞
    public void Sample_TinyTemperature_DrawsAMaximum(float temperature)
    {
        var index = CategoricalSampler.Sample(Logits, temperature, null, new float[Logits.Length], new Xoshiro256StarStar(1), out var logProbability);

        Assert.True(index is 1 or 5, $"drew {index}, not a maximum");
        Assert.True(double.IsFinite(logProbability));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Sample_UnusableLogits_FailWithAClearMessage(float bad)
    {
        float[] logits = [0f, bad, 1f];

        var error = Assert.Throws<ArgumentException>(() => CategoricalSampler.Sample(logits, 1f, null, new float[3], new Xoshiro256StarStar(1), out _));

        Assert.Contains("no finite maximum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_NegativeInfinity_IsJustZeroProbability()
    {
        float[] logits = [float.NegativeInfinity, 0f, float.NegativeInfinity];

        Assert.Equal(1, CategoricalSampler.Sample(logits, 1f, null, new float[3], new Xoshiro256StarStar(9), out var logProbability));
        Assert.Equal(0, logProbability, 9);
    }
}
