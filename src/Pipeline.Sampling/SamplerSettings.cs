using System.Globalization;
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
    /// Confidence order only: scale of the Gumbel noise added to log-confidence, annealed by (1 − (s+1)/S) to 0 at the last step.
    /// Default 4.5, MaskGIT's choice temperature; 0 commits strictly the most confident tokens.
    /// </summary>
    public double ConfidenceNoise { get; init; } = 4.5;

    /// <summary>Throws <see cref="SamplingParameterException"/> naming the first parameter out of range.</summary>
    public void Validate(int codebookSize)
    {
        SamplingParameterException.ThrowIf(JobParameterRules.Steps(Steps, maximum: null));
        SamplingParameterException.ThrowIf(JobParameterRules.Temperature(Temperature));
        SamplingParameterException.ThrowIf(TopK is { } k ? JobParameterRules.TopK(k, codebookSize) : null);
        if (!double.IsFinite(ConfidenceNoise) || ConfidenceNoise < 0)
        {
            throw new SamplingParameterException(ContractErrorCodes.InvalidConfidenceNoise,
                string.Create(CultureInfo.InvariantCulture, $"confidence noise must be a finite number of at least 0; got {ConfidenceNoise}"));
        }
    }
}
