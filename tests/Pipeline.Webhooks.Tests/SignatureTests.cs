using System.Text;

namespace Pipeline.Webhooks.Tests;

public class SignatureTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"id\":\"evt_1\"}");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);

    [Fact]
    public void Verify_SignedByCompute_IsValid()
    {
        var signature = WebhookSignature.Compute(Secret, 1_750_000_000, Body);
        Assert.StartsWith("sha256=", signature, StringComparison.Ordinal);
        Assert.Equal(71, signature.Length);
        Assert.Equal(WebhookVerification.Valid, WebhookSignature.Verify(Secret, signature, "1750000000", Body, Now));
    }

    [Fact]
    public void Compute_KnownVector_MatchesHmacOfTimestampDotBody()
    {
        // The scheme written out with the framework HMAC: hex(HMAC-SHA256(secret, "<timestamp>." + body)).
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes("key"));
        var expected = "sha256=" + Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("1.{}")));
        Assert.Equal(expected, WebhookSignature.Compute("key", 1, "{}"u8));
    }

    [Fact]
    public void Verify_BodyAltered_IsMismatch()
    {
        var signature = WebhookSignature.Compute(Secret, 1_750_000_000, Body);
        Assert.Equal(WebhookVerification.Mismatch, WebhookSignature.Verify(Secret, signature, "1750000000", "{\"id\":\"evt_2\"}"u8, Now));
    }

    [Fact]
    public void Verify_TimestampAlteredWithinTolerance_IsMismatch()
    {
        var signature = WebhookSignature.Compute(Secret, 1_750_000_000, Body);
        Assert.Equal(WebhookVerification.Mismatch, WebhookSignature.Verify(Secret, signature, "1750000001", Body, Now));
    }

    [Fact]
    public void Verify_WrongSecret_IsMismatch()
    {
        var signature = WebhookSignature.Compute(Secret, 1_750_000_000, Body);
        Assert.Equal(WebhookVerification.Mismatch, WebhookSignature.Verify(Secret + "x", signature, "1750000000", Body, Now));
    }

    [Fact]
    public void Verify_CapturedRequestReplayedAfterTolerance_IsExpired()
    {
        var signature = WebhookSignature.Compute(Secret, 1_750_000_000, Body);
        var later = Now + WebhookSignature.DefaultTolerance + TimeSpan.FromSeconds(1);
        Assert.Equal(WebhookVerification.Expired, WebhookSignature.Verify(Secret, signature, "1750000000", Body, later));
    }

    [Theory]
    [InlineData(null, "1750000000", WebhookVerification.MissingHeaders)]
    [InlineData("sha256=00", null, WebhookVerification.MissingHeaders)]
    [InlineData("md5=00", "1750000000", WebhookVerification.Malformed)]
    [InlineData("sha256=00", "-5", WebhookVerification.Malformed)]
    [InlineData("sha256=00", "soon", WebhookVerification.Malformed)]
    public void Verify_BadHeaders_SaysWhy(string? signature, string? timestamp, WebhookVerification expected) =>
        Assert.Equal(expected, WebhookSignature.Verify(Secret, signature, timestamp, Body, Now));
}
