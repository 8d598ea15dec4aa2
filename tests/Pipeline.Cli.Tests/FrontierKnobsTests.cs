using System.Text.Json;
using Pipeline.Cli.Bench;
using Pipeline.Sampling;

namespace Pipeline.Cli.Tests;

/// <summary>The headline's default point is the one measured with the pack's own confidence knobs.</summary>
public sealed class FrontierKnobsTests
{
    private static readonly ConfidenceSchedule Square = new() { Schedule = MaskSchedule.Square };

    [Theory]
    [InlineData("""{"noise": 4.5, "noiseAnneal": "linear", "schedule": "square", "temperatureStart": 1.0, "temperatureEnd": 1.0}""", true)]
    [InlineData("""{"schedule": "square"}""", true)]
    [InlineData("""{"noise": 4.5, "noiseAnneal": "linear", "schedule": "cosine", "temperatureStart": 1.0, "temperatureEnd": 1.0}""", false)]
    [InlineData("""{"schedule": "square", "noise": 2}""", false)]
    [InlineData("""{"schedule": "square", "temperatureEnd": 0.8}""", false)]
    public void Match_ComparesEveryKnob_MissingOnesAsDefaults(string recorded, bool expected)
    {
        using var knobs = JsonDocument.Parse(recorded);

        Assert.Equal(expected, FrontierKnobs.Match(knobs.RootElement, Square));
    }

    [Fact]
    public void Match_PointWithoutKnobs_Matches() => Assert.True(FrontierKnobs.Match(null, Square));
}
