using Pipeline.Contracts;
using Pipeline.Sampling;

namespace Pipeline.Engine.Tests;

public class BatchingTests
{
    [Fact]
    public async Task RunAsync_GenerationJob_EveryTokenSampledAndMetadataRecorded()
    {
        await using var harness = new EngineHarness();

        var result = await harness.Engine.RunAsync(EngineHarness.Generation("g", seed: 1, steps: 6));

        Assert.Equal(EngineHarness.N, result.Tokens.Length);
        Assert.All(result.Tokens, t => Assert.InRange(t, 0, EngineHarness.CodebookSize - 1));
        Assert.Equal(3 * EngineHarness.Width * EngineHarness.Height, result.Png.Length);
        var m = result.Metadata;
        Assert.Equal(("g", "generation", "fake-4x4", "1.0-test", "standard", "reference"),
            (m.JobId, m.Kind, m.ModelPack, m.ModelVersion, m.Priority, m.Order));
        Assert.Equal((6, 6, EngineHarness.N), (m.StepsRequested, m.StepsUsed, m.MaskedTokens));
        Assert.Equal(harness.Denoiser.Calls, m.ForwardPasses);
        Assert.Equal(1, harness.Codec.DecodeCalls);
        Assert.Equal(0, harness.Codec.EncodeCalls);
    }

    [Fact]
    public async Task RunAsync_MixedJobsWithDifferentStepCountsInOneBatch_GiveSameTokensAsAlone()
    {
        EngineJob[] jobs =
        [
            EngineHarness.Generation("a", seed: 1, steps: 3),
            EngineHarness.Generation("b", seed: 2, steps: 9, UnmaskOrder.Confidence),
            EngineHarness.Generation("c", seed: 3, steps: 40, UnmaskOrder.ExactK),
            EngineHarness.Variation("d", seed: 4, steps: 5, strength: 0.5f),
            EngineHarness.Inpainting("e", seed: 5, steps: 4),
        ];
        var alone = new List<long[]>();
        foreach (var job in jobs)
        {
            alone.Add(await EngineHarness.RunAloneAsync(job));
        }

        await using var harness = new EngineHarness();
        harness.Denoiser.Gate.Reset();
        var first = harness.Engine.RunAsync(EngineHarness.Generation("blocker", seed: 9, steps: 30));
        await Poll.UntilAsync(() => harness.Denoiser.Entered >= 1, "the first forward starts");
        var mixed = jobs.Select(job => harness.Engine.RunAsync(job)).ToArray();
        harness.Denoiser.Gate.Set();
        var results = await Task.WhenAll(mixed);
        await first;

        Assert.Equal(alone, results.Select(r => r.Tokens));
        Assert.True(harness.Denoiser.BatchSizes.Max() >= 4, $"largest batch was {harness.Denoiser.BatchSizes.Max()}");
        Assert.Equal(1, harness.Codec.EncodeCalls);
    }

    [Fact]
    public async Task RunAsync_SameSeedTwice_SameTokens_OtherSeed_DifferentTokens()
    {
        await using var harness = new EngineHarness();

        var a = await harness.Engine.RunAsync(EngineHarness.Generation("a", seed: 11, steps: 8));
        var b = await harness.Engine.RunAsync(EngineHarness.Generation("b", seed: 11, steps: 8));
        var c = await harness.Engine.RunAsync(EngineHarness.Generation("c", seed: 12, steps: 8));

        Assert.Equal(a.Tokens, b.Tokens);
        Assert.NotEqual(a.Tokens, c.Tokens);
    }

    [Fact]
    public async Task RunAsync_ManyStepsOnFewTokens_SkipsForwardsForStepsThatCommitNothing()
    {
        const int steps = 64;
        var job = EngineHarness.Generation("g", seed: 5, steps: steps);
        var expectedForwards = CountNonEmptySteps(new SamplerSettings { Steps = steps }, seed: 5);
        await using var harness = new EngineHarness();

        var result = await harness.Engine.RunAsync(job);

        Assert.True(expectedForwards < steps, $"{expectedForwards} of {steps} steps commit something");
        Assert.Equal(expectedForwards, harness.Denoiser.Calls);
        Assert.Equal(expectedForwards, result.Metadata.ForwardPasses);
        Assert.Equal(steps, result.Metadata.StepsUsed);
    }

    [Fact]
    public async Task RunAsync_Variation_KeepsUnmaskedSourceTokensAndMasksRoundedFraction()
    {
        await using var harness = new EngineHarness();

        var result = await harness.Engine.RunAsync(EngineHarness.Variation("v", seed: 3, steps: 4, strength: 0.25f));

        var source = EngineHarness.SourceTokens;
        Assert.Equal(4, result.Metadata.MaskedTokens);
        Assert.True(Enumerable.Range(0, EngineHarness.N).Count(p => result.Tokens[p] == source[p]) >= EngineHarness.N - 4);
        Assert.Equal(0.25f, result.Metadata.Strength);
        Assert.Equal("8×8 used as is", result.Metadata.SourceFit);
    }

    [Fact]
    public async Task RunAsync_Inpainting_KeepsTokensOutsideTheMaskAndCompositesOriginalPixels()
    {
        await using var harness = new EngineHarness();

        var result = await harness.Engine.RunAsync(EngineHarness.Inpainting("i", seed: 3, steps: 4));

        var source = EngineHarness.SourceTokens;
        int[] masked = [0, 1, 4, 5];
        Assert.Equal(4, result.Metadata.MaskedTokens);
        Assert.All(Enumerable.Range(0, EngineHarness.N).Except(masked), p => Assert.Equal(source[p], result.Tokens[p]));
        // Pixel (7, 7), red channel, lies outside the mask: the composite takes it from the source, whose pixel 63 is SourceBytes[63 mod 16].
        Assert.Equal(EngineHarness.SourceBytes[63 % EngineHarness.SourceBytes.Length], result.Png[63]);
    }

    private static int CountNonEmptySteps(SamplerSettings settings, long seed)
    {
        var sampler = new TokenSampler(settings, EngineHarness.CodebookSize, TokenMasks.Generation(EngineHarness.N, EngineHarness.CodebookSize), seed);
        var logits = new float[EngineHarness.N * EngineHarness.CodebookSize];
        var forwards = 0;
        while (!sampler.IsFinished)
        {
            if (sampler.PlanStep() > 0)
            {
                forwards++;
                FakeLogits.Fill(sampler.Tokens, EngineHarness.CodebookSize, logits);
            }

            sampler.ApplyStep(logits);
        }

        return forwards;
    }
}
