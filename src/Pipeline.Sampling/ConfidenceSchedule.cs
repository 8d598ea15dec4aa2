using System.Globalization;
using Pipeline.Contracts;

namespace Pipeline.Sampling;

/// <summary>The masked fraction γ(r) of the confidence order after step i of S, r = (i+1)/S.</summary>
public enum MaskSchedule
{
    /// <summary>cos(π/2 · r), MaskGIT's choice (the default).</summary>
    Cosine,

    /// <summary>1 − r.</summary>
    Linear,

    /// <summary>1 − r².</summary>
    Square,

    /// <summary>1 − r³: few commits early, many late.</summary>
    Cubic,
}

/// <summary>How the confidence order's Gumbel noise scale falls over the steps (0-based step s of S).</summary>
public enum NoiseAnneal
{
    /// <summary>noise · (1 − (s+1)/S), MaskGIT's (the default).</summary>
    Linear,

    /// <summary>noise · cos(π/2 · (s+1)/S).</summary>
    Cosine,

    /// <summary>noise at every step.</summary>
    Constant,
}

/// <summary>
/// The confidence (MaskGIT) order's knobs: a pack sets them in its manifest (<c>sampling.confidence</c>); the defaults
/// are MaskGIT's and the values every pack had before the knobs existed. training/pipeline_training/sampler.py
/// (<c>ConfidenceKnobs</c>) computes the same formulas, in the same double arithmetic.
/// </summary>
public sealed record ConfidenceSchedule
{
    /// <summary>Cosine schedule, Gumbel noise 4.5 annealed linearly, constant temperature.</summary>
    public static ConfidenceSchedule Default { get; } = new();

    /// <summary>The manifest names of <see cref="MaskSchedule"/>, in enum order.</summary>
    public static IReadOnlyList<string> ScheduleNames { get; } = ["cosine", "linear", "square", "cubic"];

    /// <summary>The manifest names of <see cref="Sampling.NoiseAnneal"/>, in enum order.</summary>
    public static IReadOnlyList<string> NoiseAnnealNames { get; } = ["linear", "cosine", "constant"];

    /// <summary>Scale of the Gumbel noise added to log-confidence. Finite and at least 0; 0 commits strictly the most confident.</summary>
    public double Noise { get; init; } = 4.5;

    public NoiseAnneal NoiseAnneal { get; init; } = NoiseAnneal.Linear;

    public MaskSchedule Schedule { get; init; } = MaskSchedule.Cosine;

    /// <summary>Multiplier of the job's temperature at the first step; linear in i/(S−1) to <see cref="TemperatureEnd"/>. Above 0.</summary>
    public double TemperatureStart { get; init; } = 1;

    /// <summary>Multiplier of the job's temperature at the last step. Above 0.</summary>
    public double TemperatureEnd { get; init; } = 1;

    /// <summary>
    /// Other knobs from a step count on (manifest <c>sampling.confidence.bySteps</c>), ascending and strictly increasing in
    /// <see cref="ConfidenceStepRange.MinSteps"/>: a job of S steps samples with the knobs of the last range whose MinSteps
    /// is at most S, or with this schedule's own knobs below the first (<see cref="ForSteps"/>). Empty by default.
    /// </summary>
    public IReadOnlyList<ConfidenceStepRange> BySteps { get; init; } = [];

    /// <summary>
    /// The knobs a job of <paramref name="steps"/> steps samples with: the samplers call it with the steps the job
    /// actually runs (after its class's budget and any backlog lowering), so a lowered job gets its own step count's knobs.
    /// training/pipeline_training/sampler.py's <c>ConfidenceKnobs.for_steps</c> is the same rule. Below the first range
    /// it returns this schedule itself (ranges included; the formulas ignore them), so a pack without ranges allocates nothing.
    /// </summary>
    public ConfidenceSchedule ForSteps(int steps)
    {
        var chosen = this;
        foreach (var range in BySteps)
        {
            if (range.MinSteps <= steps)
            {
                chosen = range.Knobs;
            }
        }

        return chosen;
    }

    /// <summary>Value equality including <see cref="BySteps"/> element by element (a record compares lists by reference).</summary>
    public bool Equals(ConfidenceSchedule? other) => other is not null
        && Noise.Equals(other.Noise) && NoiseAnneal == other.NoiseAnneal && Schedule == other.Schedule
        && TemperatureStart.Equals(other.TemperatureStart) && TemperatureEnd.Equals(other.TemperatureEnd)
        && BySteps.SequenceEqual(other.BySteps);

    public override int GetHashCode() => HashCode.Combine(Noise, NoiseAnneal, Schedule, TemperatureStart, TemperatureEnd, BySteps.Count);

    /// <summary>The schedule a manifest name gives, or null when it names none (ordinal, case-sensitive).</summary>
    public static MaskSchedule? ParseSchedule(string? name) => IndexOf(ScheduleNames, name) is var i and >= 0 ? (MaskSchedule)i : null;

    /// <summary>The anneal a manifest name gives, or null when it names none (ordinal, case-sensitive).</summary>
    public static NoiseAnneal? ParseNoiseAnneal(string? name) => IndexOf(NoiseAnnealNames, name) is var i and >= 0 ? (NoiseAnneal)i : null;

    private static int IndexOf(IReadOnlyList<string> names, string? name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>γ(r). r·r·r rather than Math.Pow so that Python's float arithmetic gives the same double.</summary>
    public static double MaskedFraction(MaskSchedule schedule, double ratio) => schedule switch
    {
        MaskSchedule.Cosine => Math.Cos(Math.PI / 2 * ratio),
        MaskSchedule.Linear => 1.0 - ratio,
        MaskSchedule.Square => 1.0 - (ratio * ratio),
        MaskSchedule.Cubic => 1.0 - (ratio * ratio * ratio),
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "unknown mask schedule"),
    };

    /// <summary>How many positions stay masked after 0-based step <paramref name="stepIndex"/> of <paramref name="steps"/>.</summary>
    public int MaskedAfter(int initialMasked, int stepIndex, int steps) =>
        UnmaskSchedule.ConfidenceMaskedAfter(initialMasked, stepIndex, steps, Schedule);

    /// <summary>The Gumbel noise scale at 0-based step <paramref name="stepIndex"/> of <paramref name="steps"/>.</summary>
    public double NoiseScale(int stepIndex, int steps) => NoiseAnneal switch
    {
        // (S − s − 1)/S is 1 − (s+1)/S written as before the knobs existed, so default tokens did not move
        NoiseAnneal.Linear => Noise * (steps - stepIndex - 1) / steps,
        NoiseAnneal.Cosine => Noise * Math.Cos(Math.PI / 2 * ((stepIndex + 1) / (double)steps)),
        NoiseAnneal.Constant => Noise,
        _ => throw new InvalidOperationException($"unknown noise anneal {NoiseAnneal}"),
    };

    /// <summary>The multiplier of the job's temperature at 0-based step <paramref name="stepIndex"/> of <paramref name="steps"/>.</summary>
    public double TemperatureMultiplier(int stepIndex, int steps) => steps <= 1
        ? TemperatureStart
        : TemperatureStart + ((TemperatureEnd - TemperatureStart) * (stepIndex / (double)(steps - 1)));

    /// <summary>Throws <see cref="SamplingParameterException"/> naming the first knob out of range.</summary>
    public void Validate()
    {
        if (!double.IsFinite(Noise) || Noise < 0)
        {
            throw new SamplingParameterException(ContractErrorCodes.InvalidConfidenceNoise,
                string.Create(CultureInfo.InvariantCulture, $"confidence noise must be a finite number of at least 0; got {Noise}"));
        }

        if (!Enum.IsDefined(Schedule) || !Enum.IsDefined(NoiseAnneal))
        {
            throw new SamplingParameterException(ContractErrorCodes.InvalidConfidenceSchedule,
                $"confidence schedule {Schedule} / noise anneal {NoiseAnneal} is not one this sampler knows");
        }

        foreach (var (name, value) in new[] { ("temperatureStart", TemperatureStart), ("temperatureEnd", TemperatureEnd) })
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                throw new SamplingParameterException(ContractErrorCodes.InvalidConfidenceSchedule,
                    string.Create(CultureInfo.InvariantCulture, $"confidence {name} must be a finite number above 0; got {value}"));
            }
        }

        var previous = 0;
        for (var i = 0; i < (BySteps ?? []).Count; i++)
        {
            var range = BySteps![i];
            if (range is null || range.MinSteps <= previous || range.Knobs is null || range.Knobs.BySteps is not { Count: 0 })
            {
                throw new SamplingParameterException(ContractErrorCodes.InvalidConfidenceSchedule, string.Create(CultureInfo.InvariantCulture,
                    $"confidence bySteps[{i}] must have knobs without ranges of their own and a minSteps above {previous}"));
            }

            range.Knobs.Validate();
            previous = range.MinSteps;
        }
    }
}

/// <summary>The confidence knobs of jobs of <paramref name="MinSteps"/> steps or more (up to the next range's MinSteps).</summary>
/// <param name="MinSteps">The fewest steps this range applies to; at least 1.</param>
/// <param name="Knobs">The knobs those jobs sample with; its own <see cref="ConfidenceSchedule.BySteps"/> is empty.</param>
public sealed record ConfidenceStepRange(int MinSteps, ConfidenceSchedule Knobs);
