using System.Text.Json;
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
    public void ConfidenceFrom_BySteps_EachRangeTakesTheBasesKnobsItLeavesOut()
    {
        var spec = new ConfidenceSamplingSpec(Noise: 3, Schedule: "square",
            BySteps: [new ConfidenceStepRangeSpec(12, Schedule: "cosine"), new ConfidenceStepRangeSpec(32, NoiseAnneal: "constant")]);

        var knobs = EngineModelPack.ConfidenceFrom(spec);

        var square = new ConfidenceSchedule { Noise = 3, Schedule = MaskSchedule.Square };
        Assert.Equal(square with
        {
            BySteps = [new ConfidenceStepRange(12, square with { Schedule = MaskSchedule.Cosine }),
                new ConfidenceStepRange(32, square with { NoiseAnneal = NoiseAnneal.Constant })],
        }, knobs);
        Assert.Equal(MaskSchedule.Square, knobs.ForSteps(11).Schedule);
        Assert.Equal(MaskSchedule.Cosine, knobs.ForSteps(12).Schedule);
        Assert.Equal(square with { NoiseAnneal = NoiseAnneal.Constant }, knobs.ForSteps(64));
    }

    /// <summary>
    /// tests/fixtures/confidence-schedule.json's bySteps cases (written by training/pipeline_training/schedule_fixture.py
    /// from sampler.py): a manifest's knobs resolve to the same knobs at every step count here as in the Python sampler.
    /// </summary>
    [Fact]
    public void ConfidenceFrom_ByStepsFixture_ResolvesLikePython()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        foreach (var c in Fixture().GetProperty("bySteps").EnumerateArray())
        {
            var knobs = EngineModelPack.ConfidenceFrom(c.GetProperty("confidence").Deserialize<ConfidenceSamplingSpec>(json));
            foreach (var r in c.GetProperty("resolved").EnumerateArray())
            {
                var steps = r.GetProperty("steps").GetInt32();
                var expected = EngineModelPack.ConfidenceFrom(r.Deserialize<ResolvedKnobs>(json)!.Spec);

                var resolved = knobs.ForSteps(steps) with { BySteps = [] }; // below the first range: the base, its ranges aside
                Assert.True(expected == resolved, $"{c.GetProperty("confidence")} at S={steps}: C# {resolved}");
            }
        }
    }

    [Fact]
    public async Task RunAsync_ByStepsRange_SamplesWithTheKnobsOfTheStepsTheJobRuns()
    {
        var cubic = new ConfidenceSchedule { Schedule = MaskSchedule.Cubic, Noise = 0 };
        await using var ranged = new EngineHarness(confidence: ConfidenceSchedule.Default with { BySteps = [new ConfidenceStepRange(6, cubic)] });
        var six = EngineHarness.Generation("six", seed: 21, steps: 6, order: UnmaskOrder.Confidence);
        var five = EngineHarness.Generation("five", seed: 21, steps: 5, order: UnmaskOrder.Confidence);

        Assert.Equal(Expected(six, cubic), (await ranged.Engine.RunAsync(six)).Tokens);
        Assert.Equal(await EngineHarness.RunAloneAsync(five), (await ranged.Engine.RunAsync(five)).Tokens);
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

    private static JsonElement Fixture()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoFiles.Find("tests/fixtures/confidence-schedule.json")));
        return doc.RootElement.Clone();
    }

    private sealed record ResolvedKnobs(int Steps, double Noise, string NoiseAnneal, string Schedule, double TemperatureStart, double TemperatureEnd)
    {
        public ConfidenceSamplingSpec Spec => new(Noise, NoiseAnneal, Schedule, TemperatureStart, TemperatureEnd);
    }
}
