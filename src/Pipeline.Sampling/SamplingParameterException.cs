using Pipeline.Contracts;

namespace Pipeline.Sampling;

/// <summary>
/// A sampling parameter is out of range. <see cref="Code"/> is one of <see cref="ContractErrorCodes"/> (e.g.
/// "steps_out_of_range"), from the parameter's <see cref="JobParameterRules"/> rule; the message tells a user what to
/// change. Hosts map it to their own error type.
/// </summary>
public sealed class SamplingParameterException(string code, string message) : ArgumentException(message)
{
    public string Code { get; } = code;

    /// <summary>Throws the rule's error as a <see cref="SamplingParameterException"/>; does nothing when there is none.</summary>
    public static void ThrowIf(ContractError? error)
    {
        if (error is not null)
        {
            throw new SamplingParameterException(error.Code, error.Message);
        }
    }
}
