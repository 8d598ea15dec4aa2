using Pipeline.Contracts;
using Pipeline.Inference;
using Pipeline.Sampling;

namespace Pipeline.Engine.Tests;

/// <summary>The manifest's sampling.confidence knobs reach every confidence job's sampler.</summary>
public class ConfidenceKnobsTests
{
    [Fact]
    public void ConfidenceFrom_EveryManifestField_SetsItsKnob()
    {
        var spec = new ConfidenceSamplingSpec(Noise: 2.5, NoiseAnneal: "cosine", Schedule: "cubic", TemperatureStart: 1.2, TemperatureEnd: 0.8);

        var knobs = EngineModelPack.ConfidenceFrom(spec);

        Assert.Equal(new ConfidenceSchedule
        {
            Noise = 2.5, NoiseAnneal = NoiseAnneal.Cosine, Schedule = MaskSchedule.Cubic, TemperatureStart = 1.2, TemperatureEnd = 0.8,
        }, knobs);
    }

    [Fact]
    public void ConfidenceFrom_SilentManifest_KeepsTheDefaults()
    {
        Assert.Equal(ConfidenceSchedule.Default, EngineModelPack.ConfidenceFrom(null));
        Assert.Equal(ConfidenceSchedule.Default, EngineModelPack.ConfidenceFrom(new ConfidenceSamplingSpec()));
        Assert.Equal(ConfidenceSchedule.Default with { Schedule = MaskSchedule.Square },
            EngineModelPack.ConfidenceFrom(new ConfidenceSamplingSpec(Schedule: "square")));
    }

    [Fact]
    public void ManifestAndSamplerNames_AreTheSame()
    {
        Assert.Equal(ConfidenceSchedule.ScheduleNames, ConfidenceSamplingSpec.ScheduleNames);
        Assert.Equal(ConfidenceSchedule.NoiseAnnealNames, ConfidenceSamplingSpec.NoiseAnnealNames);
    }

    [Fact]
    public async Task RunAsync_PackKnobs_ReachTheSampler()
    {
        var job = EngineHarness.Generation("knobs", seed: 21, steps: 6, order: UnmaskOrder.Confidence);
        var knobs = new ConfidenceSchedule { Schedule = MaskSchedule.Cubic, Noise = 0 };
        await using var tuned = new EngineHarness(confidence: knobs);

        var result = await tuned.Engine.RunAsync(job);

        Assert.Equal(Expected(job, knobs), result.Tokens);
        Assert.NotEqual(await EngineHarness.RunAloneAsync(job), result.Tokens);
    }

    [Fact]
    public async Task RunAsync_DefaultKnobsSpelledOut_GiveTheSameTokensAsAPackWithoutKnobs()
    {
        var job = EngineHarness.Generation("defaults", seed: 5, steps: 5, order: UnmaskOrder.Confidence);
        await using var spelled = new EngineHarness(confidence: EngineModelPack.ConfidenceFrom(
            new ConfidenceSamplingSpec(4.5, "linear", "cosine", 1, 1)));

        Assert.Equal(await EngineHarness.RunAloneAsync(job), (await spelled.Engine.RunAsync(job)).Tokens);
    }

    // The tokens the sampler gives on its own with these knobs, driven the way the engine drives it over the fake model.
    private static long[] Expected(EngineJob job, ConfidenceSchedule knobs)
    {
        var settings = new SamplerSettings { Steps = job.Steps!.Value, Order = UnmaskOrder.Confidence, Confidence = knobs };
        var sampler = new TokenSampler(settings, EngineHarness.CodebookSize, TokenMasks.Generation(EngineHarness.N, EngineHarness.CodebookSize), job.Seed);
        var logits = new float[EngineHarness.N * EngineHarness.CodebookSize];
        while (!sampler.IsFinished)
        {
            sampler.PlanStep();
            if (sampler.NeedsForward)
            {
                FakeLogits.Fill(sampler.Tokens, EngineHarness.CodebookSize, logits);
                sampler.ApplyStep(logits);
            }
            else
            {
                sampler.ApplyStep([]);
            }
        }

        return sampler.Tokens.ToArray();
    }
}
