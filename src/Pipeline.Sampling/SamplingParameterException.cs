namespace Pipeline.Sampling;

/// <summary>
/// A sampling parameter is out of range. <see cref="Code"/> is stable and machine-readable
/// (e.g. "steps_out_of_range"); the message tells a user what to change. Hosts map it to their own error type.
/// </summary>
public sealed class SamplingParameterException(string code, string message) : ArgumentException(message)
{
    public string Code { get; } = code;
}
