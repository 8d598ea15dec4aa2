using System.Globalization;
using System.Text.Json;

namespace Pipeline.Sampling.Tests;

public class ConfidenceScheduleTests
{
    [Theory]
    [InlineData(MaskSchedule.Cosine, new[] { 63, 61, 58, 53, 48, 41, 34, 26, 18, 9, 0 })]
    [InlineData(MaskSchedule.Linear, new[] { 58, 52, 46, 40, 34, 29, 23, 17, 11, 5, 0 })]
    [InlineData(MaskSchedule.Square, new[] { 63, 61, 59, 55, 50, 44, 38, 30, 21, 11, 0 })]
    [InlineData(MaskSchedule.Cubic, new[] { 63, 63, 62, 60, 57, 53, 47, 39, 28, 15, 0 })]
    public void MaskedAfter_EachSchedule_FollowsItsFormula(MaskSchedule schedule, int[] expected)
    {
        var knobs = new ConfidenceSchedule { Schedule = schedule };

        var counts = Enumerable.Range(0, 11).Select(i => knobs.MaskedAfter(64, i, 11));

        Assert.Equal(expected, counts);
    }

    [Theory]
    [InlineData(MaskSchedule.Cosine)]
    [InlineData(MaskSchedule.Linear)]
    [InlineData(MaskSchedule.Square)]
    [InlineData(MaskSchedule.Cubic)]
    public void Run_EachSchedule_RemainingMaskedAfterEachStepIsTheSchedules(MaskSchedule schedule)
    {
        const int steps = 7, n = 50;
        var settings = new SamplerSettings { Steps = steps, Order = UnmaskOrder.Confidence, Confidence = new ConfidenceSchedule { Schedule = schedule } };
        var remainingAfter = new List<int>();

        var (tokens, _) = SamplerRun.Run(settings, SamplerRun.Masked(n), seed: 3, afterPlan: (s, planned) => remainingAfter.Add(s.RemainingMasked - planned));

        Assert.Equal(Enumerable.Range(0, steps).Select(i => settings.Confidence.MaskedAfter(n, i, steps)), remainingAfter);
        Assert.DoesNotContain((long)SamplerRun.CodebookSize, tokens);
    }

    [Theory]
    [InlineData(NoiseAnneal.Linear, new[] { 3.0, 2.0, 1.0, 0.0 })]
    [InlineData(NoiseAnneal.Constant, new[] { 4.0, 4.0, 4.0, 4.0 })]
    public void NoiseScale_LinearAndConstant_FollowTheirFormulas(NoiseAnneal anneal, double[] expected)
    {
        var knobs = new ConfidenceSchedule { Noise = 4, NoiseAnneal = anneal };

        Assert.Equal(expected, Enumerable.Range(0, 4).Select(i => knobs.NoiseScale(i, 4)));
    }

    [Fact]
    public void NoiseScale_Cosine_IsNoiseTimesCosineOfTheProgressAndZeroAtTheLastStep()
    {
        var knobs = new ConfidenceSchedule { Noise = 2, NoiseAnneal = NoiseAnneal.Cosine };

        Assert.Equal(2 * Math.Cos(Math.PI / 2 * 0.25), knobs.NoiseScale(0, 4), 15);
        Assert.Equal(2 * Math.Cos(Math.PI / 4), knobs.NoiseScale(1, 4), 15);
        Assert.Equal(0, knobs.NoiseScale(3, 4), 15);
    }

    [Fact]
    public void TemperatureMultiplier_RampsLinearlyFromStartToEnd()
    {
        var knobs = new ConfidenceSchedule { TemperatureStart = 1.5, TemperatureEnd = 0.5 };

        Assert.Equal([1.5, 1.0, 0.5], Enumerable.Range(0, 3).Select(i => knobs.TemperatureMultiplier(i, 3)));
        Assert.Equal(1.5, knobs.TemperatureMultiplier(0, 1));
    }

    [Fact]
    public void Defaults_AreMaskGits()
    {
        var knobs = ConfidenceSchedule.Default;

        Assert.Equal((4.5, NoiseAnneal.Linear, MaskSchedule.Cosine, 1.0, 1.0),
            (knobs.Noise, knobs.NoiseAnneal, knobs.Schedule, knobs.TemperatureStart, knobs.TemperatureEnd));
        Assert.Equal(new SamplerSettings { Steps = 1 }.Confidence, knobs);
    }

    [Fact]
    public void Run_DefaultKnobsSpelledOut_GiveTheSameTokensAsNoKnobs()
    {
        var plain = new SamplerSettings { Steps = 6, Order = UnmaskOrder.Confidence };
        var spelled = plain with
        {
            Confidence = new ConfidenceSchedule
            {
                Noise = 4.5, NoiseAnneal = NoiseAnneal.Linear, Schedule = MaskSchedule.Cosine, TemperatureStart = 1, TemperatureEnd = 1,
            },
        };

        Assert.Equal(SamplerRun.Run(plain, SamplerRun.Masked(40), seed: 11).Tokens, SamplerRun.Run(spelled, SamplerRun.Masked(40), seed: 11).Tokens);
    }

    [Theory]
    [InlineData(nameof(ConfidenceSchedule.Schedule))]
    [InlineData(nameof(ConfidenceSchedule.NoiseAnneal))]
    [InlineData(nameof(ConfidenceSchedule.Noise))]
    [InlineData(nameof(ConfidenceSchedule.TemperatureStart))]
    public void Run_ChangingOneKnob_ChangesTheTokens(string knob)
    {
        var plain = new SamplerSettings { Steps = 6, Order = UnmaskOrder.Confidence };
        var changed = plain with
        {
            Confidence = knob switch
            {
                nameof(ConfidenceSchedule.Schedule) => new ConfidenceSchedule { Schedule = MaskSchedule.Cubic },
                nameof(ConfidenceSchedule.NoiseAnneal) => new ConfidenceSchedule { NoiseAnneal = NoiseAnneal.Constant },
                nameof(ConfidenceSchedule.Noise) => new ConfidenceSchedule { Noise = 0 },
                _ => new ConfidenceSchedule { TemperatureStart = 3 },
            },
        };

        Assert.NotEqual(SamplerRun.Run(plain, SamplerRun.Masked(40), seed: 11).Tokens, SamplerRun.Run(changed, SamplerRun.Masked(40), seed: 11).Tokens);
    }

    [Theory]
    [InlineData(0.0, "temperatureStart must be a finite number above 0; got 0")]
    [InlineData(double.NaN, "temperatureStart must be a finite number above 0; got NaN")]
    public void Validate_TemperatureStartOutOfRange_ThrowsWithItsCode(double start, string message)
    {
        var settings = new SamplerSettings { Steps = 4, Confidence = new ConfidenceSchedule { TemperatureStart = start } };

        var error = Assert.Throws<SamplingParameterException>(() => settings.Validate(SamplerRun.CodebookSize));

        Assert.Equal(ContractErrorCodes.InvalidConfidenceSchedule, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForSteps_TakesTheLastRangeAtOrBelowTheSteps_AndTheBaseBelowTheFirst()
    {
        var cosine = new ConfidenceSchedule();
        var cubic = new ConfidenceSchedule { Schedule = MaskSchedule.Cubic };
        var knobs = new ConfidenceSchedule { Schedule = MaskSchedule.Square, BySteps = [new(12, cosine), new(32, cubic)] };

        Assert.Same(knobs, knobs.ForSteps(11));
        Assert.Same(cosine, knobs.ForSteps(12));
        Assert.Same(cosine, knobs.ForSteps(31));
        Assert.Same(cubic, knobs.ForSteps(256));
    }

    [Fact]
    public void Run_WithRanges_GivesTheTokensOfTheRangesKnobsAtItsSteps()
    {
        var cubic = new ConfidenceSchedule { Schedule = MaskSchedule.Cubic, Noise = 1 };
        var ranged = new ConfidenceSchedule { BySteps = [new(6, cubic)] };
        SamplerSettings At(int steps, ConfidenceSchedule knobs) => new() { Steps = steps, Order = UnmaskOrder.Confidence, Confidence = knobs };

        Assert.Equal(SamplerRun.Run(At(6, cubic), SamplerRun.Masked(40), seed: 11).Tokens, SamplerRun.Run(At(6, ranged), SamplerRun.Masked(40), seed: 11).Tokens);
        Assert.Equal(SamplerRun.Run(At(5, ConfidenceSchedule.Default), SamplerRun.Masked(40), seed: 11).Tokens,
            SamplerRun.Run(At(5, ranged), SamplerRun.Masked(40), seed: 11).Tokens);
    }

    [Fact]
    public void Equals_ComparesRangesByValue()
    {
        var a = new ConfidenceSchedule { BySteps = [new(12, new ConfidenceSchedule { Noise = 2 })] };
        var b = new ConfidenceSchedule { BySteps = [new(12, new ConfidenceSchedule { Noise = 2 })] };

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { BySteps = [new(16, new ConfidenceSchedule { Noise = 2 })] });
        Assert.Equal(ConfidenceSchedule.Default, new ConfidenceSchedule { BySteps = [] });
    }

    [Theory]
    [InlineData(12, 12)]
    [InlineData(0, 4)]
    public void Validate_RangesNotAscendingFromOne_ThrowWithTheScheduleCode(int first, int second)
    {
        var settings = new SamplerSettings
        {
            Steps = 4,
            Confidence = new ConfidenceSchedule { BySteps = [new(first, ConfidenceSchedule.Default), new(second, ConfidenceSchedule.Default)] },
        };

        var error = Assert.Throws<SamplingParameterException>(() => settings.Validate(SamplerRun.CodebookSize));

        Assert.Equal(ContractErrorCodes.InvalidConfidenceSchedule, error.Code);
        Assert.Contains("bySteps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RangeWithBadKnobs_Throws()
    {
        var settings = new SamplerSettings { Steps = 4, Confidence = new ConfidenceSchedule { BySteps = [new(8, new ConfidenceSchedule { Noise = -1 })] } };

        Assert.Equal(ContractErrorCodes.InvalidConfidenceNoise,
            Assert.Throws<SamplingParameterException>(() => settings.Validate(SamplerRun.CodebookSize)).Code);
    }

    [Fact]
    public void Names_ParseToTheirEnumsAndNothingElse()
    {
        Assert.Equal([MaskSchedule.Cosine, MaskSchedule.Linear, MaskSchedule.Square, MaskSchedule.Cubic],
            ConfidenceSchedule.ScheduleNames.Select(n => ConfidenceSchedule.ParseSchedule(n)!.Value));
        Assert.Equal([NoiseAnneal.Linear, NoiseAnneal.Cosine, NoiseAnneal.Constant],
            ConfidenceSchedule.NoiseAnnealNames.Select(n => ConfidenceSchedule.ParseNoiseAnneal(n)!.Value));
        Assert.Null(ConfidenceSchedule.ParseSchedule("Cosine"));
        Assert.Null(ConfidenceSchedule.ParseNoiseAnneal(null));
    }
}

/// <summary>
/// The Python sampler that tunes the knobs (training/pipeline_training/sampler.py) and this one compute the same schedule:
/// tests/fixtures/confidence-schedule.json holds Python's values (written by pipeline_training.schedule_fixture, checked
/// current by training/tests). Masked counts must match exactly; the noise scale and temperature multiplier only to
/// 1e-13 relative, as the linear anneal is written (S − s − 1)/S here and 1 − (s+1)/S there (each side keeps the
/// arithmetic its default tokens were made with).
/// </summary>
public class ConfidenceScheduleParityTests
{
    private static readonly JsonElement Fixture = LoadFixture();

    [Fact]
    public void MaskedAfter_EveryFixtureCase_MatchesPythonExactly()
    {
        foreach (var c in Fixture.GetProperty("schedules").EnumerateArray())
        {
            var knobs = new ConfidenceSchedule { Schedule = ConfidenceSchedule.ParseSchedule(c.GetProperty("schedule").GetString())!.Value };
            int steps = c.GetProperty("steps").GetInt32(), initial = c.GetProperty("initialMasked").GetInt32();

            var counts = Enumerable.Range(0, steps).Select(i => knobs.MaskedAfter(initial, i, steps)).ToArray();

            Assert.True(c.GetProperty("maskedAfter").EnumerateArray().Select(e => e.GetInt32()).SequenceEqual(counts),
                $"{knobs.Schedule}, S={steps}, M0={initial}: C# {string.Join(",", counts)}");
        }
    }

    [Fact]
    public void NoiseScaleAndTemperature_EveryFixtureCase_MatchPython()
    {
        foreach (var c in Fixture.GetProperty("anneals").EnumerateArray())
        {
            var knobs = new ConfidenceSchedule
            {
                Noise = c.GetProperty("noise").GetDouble(),
                NoiseAnneal = ConfidenceSchedule.ParseNoiseAnneal(c.GetProperty("noiseAnneal").GetString())!.Value,
            };
            AssertClose(c.GetProperty("noiseScale"), i => knobs.NoiseScale(i, c.GetProperty("steps").GetInt32()), knobs.NoiseAnneal.ToString());
        }

        foreach (var c in Fixture.GetProperty("temperatures").EnumerateArray())
        {
            var knobs = new ConfidenceSchedule
            {
                TemperatureStart = c.GetProperty("temperatureStart").GetDouble(),
                TemperatureEnd = c.GetProperty("temperatureEnd").GetDouble(),
            };
            AssertClose(c.GetProperty("multiplier"), i => knobs.TemperatureMultiplier(i, c.GetProperty("steps").GetInt32()), "temperature");
        }
    }

    private static void AssertClose(JsonElement expected, Func<int, double> actual, string what)
    {
        var i = 0;
        foreach (var e in expected.EnumerateArray())
        {
            var want = double.Parse(e.GetString()!, CultureInfo.InvariantCulture);
            var got = actual(i);
            Assert.True(Math.Abs(got - want) <= 1e-13 * Math.Max(1, Math.Abs(want)), $"{what} step {i}: C# {got:R}, Python {want:R}");
            i++;
        }
    }

    private static JsonElement LoadFixture()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoFiles.Find("tests/fixtures/confidence-schedule.json")));
        return doc.RootElement.Clone();
    }
}
