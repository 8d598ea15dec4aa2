using System.Text.Json;
using Pipeline.Sampling;

namespace Pipeline.Cli.Bench;

/// <summary>Whether a frontier point's recorded confidence knobs are the ones a pack samples with.</summary>
internal static class FrontierKnobs
{
    /// <summary>
    /// True when <paramref name="recorded"/> (a frontier point's <c>confidence</c> object) names the same schedule, noise,
    /// noise anneal and temperature ramp as <paramref name="pack"/>; a point without knobs matches (nothing says otherwise).
    /// Knobs the point leaves out count as their defaults, as the manifest reader reads them.
    /// </summary>
    public static bool Match(JsonElement? recorded, ConfidenceSchedule pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        if (recorded is not { ValueKind: JsonValueKind.Object } knobs)
        {
            return true;
        }

        var defaults = ConfidenceSchedule.Default;
        var schedule = ConfidenceSchedule.ParseSchedule(Text(knobs, "schedule")) ?? defaults.Schedule;
        var anneal = ConfidenceSchedule.ParseNoiseAnneal(Text(knobs, "noiseAnneal")) ?? defaults.NoiseAnneal;
        return schedule == pack.Schedule && anneal == pack.NoiseAnneal
            && Close(Number(knobs, "noise") ?? defaults.Noise, pack.Noise)
            && Close(Number(knobs, "temperatureStart") ?? defaults.TemperatureStart, pack.TemperatureStart)
            && Close(Number(knobs, "temperatureEnd") ?? defaults.TemperatureEnd, pack.TemperatureEnd);
    }

    private static string? Text(JsonElement knobs, string name) =>
        knobs.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Number(JsonElement knobs, string name) =>
        knobs.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;

    private static bool Close(double a, double b) => Math.Abs(a - b) < 1e-9;
}
