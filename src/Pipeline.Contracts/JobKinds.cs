namespace Pipeline.Contracts;

/// <summary>
/// The values of <see cref="SubmitJob.Kind"/>, and the one place that turns them into <see cref="JobKind"/> and back.
/// Messages carry strings, not the enum, so that a message with an unknown value still deserializes and the worker
/// can record a <c>failed</c> job with reason <c>unknown_kind</c> instead of dead-lettering a message it cannot
/// attribute to a job.
/// </summary>
public static class JobKinds
{
    /// <summary>Every position masked: a new image from nothing.</summary>
    public const string Generation = "generation";

    /// <summary>Encode a source image, re-mask a random fraction <see cref="SubmitJob.Strength"/> of its tokens, resample.</summary>
    public const string Variation = "variation";

    /// <summary>Encode a source image, re-mask the tokens under a mask, resample and composite over the original.</summary>
    public const string Inpainting = "inpainting";

    /// <summary>Place a source image on a larger canvas (<see cref="SubmitJob.Extend"/> pixels per side) and generate the new border.</summary>
    public const string Outpainting = "outpainting";

    /// <summary>Place two source images side by side (or stacked) with a generated join <see cref="SubmitJob.JoinPixels"/> wide.</summary>
    public const string Stitching = "stitching";

    /// <summary>All kinds, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [Generation, Variation, Inpainting, Outpainting, Stitching];

    /// <summary>True when <paramref name="value"/> is one of the kinds above (ordinal, case-sensitive).</summary>
    public static bool IsKnown(string? value) => Parse(value) is not null;

    /// <summary>The kind <paramref name="value"/> names (ordinal, case-sensitive), or null when it names none.</summary>
    public static JobKind? Parse(string? value) => value switch
    {
        Generation => JobKind.Generation,
        Variation => JobKind.Variation,
        Inpainting => JobKind.Inpainting,
        Outpainting => JobKind.Outpainting,
        Stitching => JobKind.Stitching,
        _ => null,
    };

    /// <summary>The name of <paramref name="kind"/>; a value outside the enum gives its number, which no rule accepts.</summary>
    public static string Name(JobKind kind) => kind switch
    {
        JobKind.Generation => Generation,
        JobKind.Variation => Variation,
        JobKind.Inpainting => Inpainting,
        JobKind.Outpainting => Outpainting,
        JobKind.Stitching => Stitching,
        _ => ((int)kind).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
