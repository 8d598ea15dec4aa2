using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>
/// The confidence order's schedule knobs (manifest <c>sampling.confidence</c>); every member optional, a missing one keeps
/// the sampler's default (MaskGIT's: noise 4.5, linear anneal, cosine schedule, temperature multipliers 1 and 1). The
/// engine turns it into Pipeline.Sampling's ConfidenceSchedule; the formulas are in docs/architecture.md §1.
/// </summary>
/// <param name="Noise">Scale of the Gumbel noise added to log-confidence; at least 0.</param>
/// <param name="NoiseAnneal">How the noise scale falls over the steps: <c>linear</c>, <c>cosine</c> or <c>constant</c>.</param>
/// <param name="Schedule">Masked fraction after each step: <c>cosine</c>, <c>linear</c>, <c>square</c> or <c>cubic</c>.</param>
/// <param name="TemperatureStart">Multiplier of the job's temperature at the first step; above 0.</param>
/// <param name="TemperatureEnd">Multiplier of the job's temperature at the last step (linear in between); above 0.</param>
/// <param name="BySteps">
/// Other knobs from a step count on: a job of S steps (the steps it runs, after its class's budget and any backlog
/// lowering) uses the last entry whose <c>minSteps</c> is at most S, and these (the base) below the first. Entries
/// ascend strictly in <c>minSteps</c>; a knob an entry leaves out is the base's.
/// </param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ConfidenceSamplingSpec(
    double? Noise = null,
    string? NoiseAnneal = null,
    string? Schedule = null,
    double? TemperatureStart = null,
    double? TemperatureEnd = null,
    IReadOnlyList<ConfidenceStepRangeSpec>? BySteps = null)
{
    /// <summary>The names <see cref="Schedule"/> accepts (Pipeline.Sampling's ConfidenceSchedule.ScheduleNames).</summary>
    public static IReadOnlyList<string> ScheduleNames { get; } = ["cosine", "linear", "square", "cubic"];

    /// <summary>The names <see cref="NoiseAnneal"/> accepts (Pipeline.Sampling's ConfidenceSchedule.NoiseAnnealNames).</summary>
    public static IReadOnlyList<string> NoiseAnnealNames { get; } = ["linear", "cosine", "constant"];

    /// <summary>Each problem as a sentence naming its field under <paramref name="prefix"/>; empty when there is none.</summary>
    public IEnumerable<string> Problems(string prefix)
    {
        if (Noise is { } noise && !(double.IsFinite(noise) && noise >= 0))
        {
            yield return $"{prefix}.noise {noise} must be a finite number of at least 0.";
        }

        if (NoiseAnneal is { } anneal && !NoiseAnnealNames.Contains(anneal))
        {
            yield return $"{prefix}.noiseAnneal '{anneal}' must be one of {string.Join(", ", NoiseAnnealNames)}.";
        }

        if (Schedule is { } schedule && !ScheduleNames.Contains(schedule))
        {
            yield return $"{prefix}.schedule '{schedule}' must be one of {string.Join(", ", ScheduleNames)}.";
        }

        foreach (var (name, value) in new[] { ("temperatureStart", TemperatureStart), ("temperatureEnd", TemperatureEnd) })
        {
            if (value is { } t && !(double.IsFinite(t) && t > 0))
            {
                yield return $"{prefix}.{name} {t} must be a finite number above 0.";
            }
        }

        var previous = 0;
        for (var i = 0; i < (BySteps?.Count ?? 0); i++)
        {
            var entry = BySteps![i];
            var at = $"{prefix}.bySteps[{i}]";
            if (entry is null)
            {
                yield return $"{at} must be an object with minSteps and the knobs that differ from {prefix}.";
                continue;
            }

            if (entry.MinSteps is not { } min || min < 1)
            {
                yield return $"{at}.minSteps must be given as a whole number of at least 1; got {entry.MinSteps?.ToString() ?? "none"}.";
            }
            else if (min <= previous)
            {
                yield return $"{at}.minSteps {min} must be above the previous entry's {previous}: list the ranges in ascending minSteps, each once.";
            }
            else
            {
                previous = min;
            }

            foreach (var problem in entry.Knobs.Problems(at))
            {
                yield return problem;
            }
        }
    }

    /// <summary>This spec's knobs with <paramref name="entry"/>'s over them (what a job in that range samples with).</summary>
    public ConfidenceSamplingSpec Over(ConfidenceStepRangeSpec entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new ConfidenceSamplingSpec(entry.Noise ?? Noise, entry.NoiseAnneal ?? NoiseAnneal, entry.Schedule ?? Schedule,
            entry.TemperatureStart ?? TemperatureStart, entry.TemperatureEnd ?? TemperatureEnd);
    }
}

/// <summary>One <c>sampling.confidence.bySteps</c> entry: the knobs of jobs of <paramref name="MinSteps"/> steps or more.</summary>
/// <param name="MinSteps">The fewest steps the entry applies to (up to the next entry's); at least 1; required.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ConfidenceStepRangeSpec(
    int? MinSteps = null,
    double? Noise = null,
    string? NoiseAnneal = null,
    string? Schedule = null,
    double? TemperatureStart = null,
    double? TemperatureEnd = null)
{
    /// <summary>The entry's own knobs (no ranges), for their checks.</summary>
    [JsonIgnore]
    public ConfidenceSamplingSpec Knobs => new(Noise, NoiseAnneal, Schedule, TemperatureStart, TemperatureEnd);
}
