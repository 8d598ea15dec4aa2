namespace Pipeline.Contracts;

/// <summary>
/// The values of <see cref="SubmitJob.Kind"/>. Strings, not an enum, so that a message with an unknown value
/// still deserializes and the worker can record a <c>failed</c> job with reason <c>unknown_kind</c> instead of
/// dead-lettering a message it cannot attribute to a job.
/// </summary>
public static class JobKinds
{
    /// <summary>Every position masked: a new image from nothing.</summary>
    public const string Generation = "generation";

    /// <summary>Encode a source image, re-mask a random fraction <see cref="SubmitJob.Strength"/> of its tokens, resample.</summary>
    public const string Variation = "variation";

    /// <summary>Encode a source image, re-mask the tokens under a mask, resample and composite over the original.</summary>
    public const string Inpainting = "inpainting";

    /// <summary>All kinds, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [Generation, Variation, Inpainting];

    /// <summary>True when <paramref name="value"/> is one of the kinds above (ordinal, case-sensitive).</summary>
    public static bool IsKnown(string? value) => value is Generation or Variation or Inpainting;
}
