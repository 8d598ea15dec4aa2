using System.Text.RegularExpressions;

namespace Pipeline.Contracts;

/// <summary>
/// References to uploaded inputs (source images, masks): <c>sha256:</c> followed by the 64 lowercase hex digits
/// of the content's SHA-256, as returned by the input store when the image was uploaded. Messages carry these
/// keys, never image bytes, and never URLs a worker would fetch (no server-side request forgery).
/// </summary>
public static partial class InputKeys
{
    /// <summary>The key prefix.</summary>
    public const string Prefix = "sha256:";

    /// <summary>The pattern, as used in <c>schemas/*.schema.json</c>.</summary>
    public const string Pattern = "^sha256:[0-9a-f]{64}$";

    /// <summary>True when <paramref name="key"/> is a well-formed input key.</summary>
    public static bool IsValid(string? key) => key is not null && KeyRegex().IsMatch(key);

    [GeneratedRegex(@"\Asha256:[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyRegex();
}
