using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Webhooks;

/// <summary>
/// The signature scheme, for senders and receivers alike. The signed content is the timestamp header's value,
/// a dot, then the exact body bytes (<c>"1718000000." + body</c>); the signature is
/// <c>sha256=</c> + lowercase hex of HMAC-SHA256(secret, content). Signing the timestamp with the body binds
/// them: a receiver that rejects stale timestamps (<see cref="DefaultTolerance"/>) cannot be fed a captured
/// request later, and it deduplicates retries of one event by <see cref="WebhookHeaders.EventId"/>.
/// </summary>
public static class WebhookSignature
{
    /// <summary>How far a timestamp may be from the receiver's clock, either way: 5 minutes.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The <see cref="WebhookHeaders.Signature"/> value for <paramref name="body"/> sent at <paramref name="timestamp"/> (Unix seconds).</summary>
    public static string Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(prefix);
        hmac.AppendData(body);
        return WebhookHeaders.SignaturePrefix + Convert.ToHexStringLower(hmac.GetHashAndReset());
    }

    /// <summary>
    /// Checks a received request: the signature must match the body and timestamp under <paramref name="secret"/>
    /// (compared in constant time), and the timestamp must lie within <paramref name="tolerance"/> (default
    /// <see cref="DefaultTolerance"/>) of <paramref name="now"/>. Pass the raw body bytes exactly as received.
    /// </summary>
    public static WebhookVerification Verify(string secret, string? signatureHeader, string? timestampHeader,
        ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (string.IsNullOrEmpty(signatureHeader) || string.IsNullOrEmpty(timestampHeader))
        {
            return WebhookVerification.MissingHeaders;
        }

        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)
            || !signatureHeader.StartsWith(WebhookHeaders.SignaturePrefix, StringComparison.Ordinal))
        {
            return WebhookVerification.Malformed;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(timestamp, 0, 253402300799));
        if (age.Duration() > (tolerance ?? DefaultTolerance))
        {
            return WebhookVerification.Expired;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp, body));
        var actual = Encoding.ASCII.GetBytes(signatureHeader.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? WebhookVerification.Valid : WebhookVerification.Mismatch;
    }

    /// <summary>Unix seconds of <paramref name="time"/>: the <see cref="WebhookHeaders.Timestamp"/> value.</summary>
    public static long ToTimestamp(DateTimeOffset time) => time.ToUnixTimeSeconds();
}
