using System.Globalization;

namespace Pipeline.Api.Validation;

/// <summary>What the API checks about uploaded images before it accepts a job. Bound from <see cref="SectionName"/>.</summary>
public sealed class InputValidationOptions
{
    /// <summary>The configuration section: <c>Pipeline:Api:Validation</c>.</summary>
    public const string SectionName = "Pipeline:Api:Validation";

    /// <summary>The sizes used while <see cref="ModelImageSizes"/> is not configured: the shipped pack's.</summary>
    public static readonly IReadOnlyList<string> DefaultModelImageSizes = ["32x32"];

    /// <summary>
    /// The image sizes of the deployed model packs, as <c>WIDTHxHEIGHT</c> (env: <c>Pipeline__Api__Validation__ModelImageSizes__0</c>):
    /// besides the source image's own size, the sizes a mask may have; and what bounds the region one inpainting can
    /// regenerate (a mask spread wider is refused with <c>mask_invalid</c>). The API does not load packs, so it is told.
    /// Unset: <see cref="DefaultModelImageSizes"/>. Set to one empty string: any mask size is let through to the
    /// worker, which knows its packs and fails the job with <c>mask_size_mismatch</c> if it does not fit.
    /// (Null by default rather than pre-filled: the configuration binder would append to a pre-filled array.)
    /// </summary>
    public string[]? ModelImageSizes { get; set; }

    /// <summary><see cref="ModelImageSizes"/> parsed; null when a mask of any size is let through.</summary>
    public IReadOnlyList<(int Width, int Height)>? ParsedModelImageSizes()
    {
        var sizes = (ModelImageSizes ?? DefaultModelImageSizes).Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
        return sizes.Count == 0 ? null : [.. sizes.Select(s => TryParse(s) ?? throw new FormatException($"'{s}' is not WIDTHxHEIGHT"))];
    }

    /// <summary>True when every configured size reads as <c>WIDTHxHEIGHT</c> (checked at start).</summary>
    public bool IsValid() => (ModelImageSizes ?? []).All(s => string.IsNullOrWhiteSpace(s) || TryParse(s) is not null);

    private static (int Width, int Height)? TryParse(string size)
    {
        var parts = size.Trim().Split('x', 'X');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width) && width > 0
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height) && height > 0
                ? (width, height)
                : null;
    }
}
