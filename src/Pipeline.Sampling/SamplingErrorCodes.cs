namespace Pipeline.Sampling;

/// <summary>The stable codes of <see cref="SamplingParameterException"/>.</summary>
public static class SamplingErrorCodes
{
    public const string StepsOutOfRange = "steps_out_of_range";
    public const string InvalidTemperature = "invalid_temperature";
    public const string TopKOutOfRange = "top_k_out_of_range";
    public const string StrengthOutOfRange = "strength_out_of_range";
    public const string InvalidConfidenceNoise = "invalid_confidence_noise";
}
