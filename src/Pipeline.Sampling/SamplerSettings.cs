using Pipeline.Contracts;

namespace Pipeline.Sampling;

/// <summary>How one job samples: configured once, then read by <see cref="TokenSampler"/> at every step.</summary>
public sealed record SamplerSettings
{
    /// <summary>S, the number of steps t = S … 1. At least 1.</summary>
    public required int Steps { get; init; }

    public UnmaskOrder Order { get; init; } = UnmaskOrder.Reference;

    /// <summary>Tokens are drawn from softmax(logits / Temperature). Finite and above 0; default 1.</summary>
    public float Temperature { get; init; } = 1f;

    /// <summary>Keep only the K largest logits of each position before sampling; null keeps all V.</summary>
    public int? TopK { get; init; }

    /// <summary>
    /// Confidence order only: the schedule's knobs (masked fraction per step, Gumbel noise scale and its anneal, per-step
    /// temperature multiplier); a pack sets them in its manifest (<c>sampling.confidence</c>). Default
    /// <see cref="ConfidenceSchedule.Default"/>: cosine, noise 4.5 annealed linearly, constant temperature. When it has
    /// <see cref="ConfidenceSchedule.BySteps"/> ranges, the samplers use <c>Confidence.ForSteps(Steps)</c>: the knobs of the
    /// steps the job actually runs.
    /// </summary>
    public ConfidenceSchedule Confidence { get; init; } = ConfidenceSchedule.Default;

    /// <summary>Throws <see cref="SamplingParameterException"/> naming the first parameter out of range.</summary>
    public void Validate(int codebookSize)
    {
        SamplingParameterException.ThrowIf(JobParameterRules.Steps(Steps, maximum: null));
        SamplingParameterException.ThrowIf(JobParameterRules.Temperature(Temperature));
        SamplingParameterException.ThrowIf(TopK is { } k ? JobParameterRules.TopK(k, codebookSize) : null);
        (Confidence ?? throw new SamplingParameterException(ContractErrorCodes.InvalidConfidenceSchedule,
            "the confidence schedule must be set")).Validate();
    }
}
