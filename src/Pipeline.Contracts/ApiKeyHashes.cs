using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Contracts;

/// <summary>
/// How a key is kept in configuration: the SHA-256 of its UTF-8 bytes as 64 lowercase hex digits. A key is a random
/// secret of at least 128 bits (<see cref="NewKey"/>), so a fast hash is enough: nothing short enough to guess hides
/// behind it. The key itself is shown once, when made, and stored nowhere.
/// </summary>
public static class ApiKeyHashes
{
    /// <summary>The hash of <paramref name="key"/> (64 lowercase hex digits).</summary>
    public static string Sha256Hex(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>A new key: <c>pk_</c> and 32 random bytes in base64url (256 bits).</summary>
    public static string NewKey() => "pk_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>True for 64 hex digits (either case).</summary>
    public static bool IsSha256Hex(string? value) =>
        value is { Length: 64 } && value.All(Uri.IsHexDigit);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
