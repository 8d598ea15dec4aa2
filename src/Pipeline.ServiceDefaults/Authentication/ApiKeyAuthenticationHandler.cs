using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.ServiceDefaults.Authentication;

/// <summary>
/// The hosts' one authentication scheme: <c>X-Api-Key: &lt;key&gt;</c> (for programs) or, when
/// <see cref="ApiKeyAuthenticationOptions.BasicUserName"/> is set, HTTP Basic with that user and a key as password (for a
/// browser opening a dashboard). Keys are compared as SHA-256 digests in constant time, every key each time, so response
/// timing tells nothing about how much of a key was right. With Basic on, the challenge asks for it, so browsers prompt
/// instead of showing a bare 401.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(Authenticate());

    /// <inheritdoc />
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Options.BasicUserName is null)
        {
            return base.HandleChallengeAsync(properties);
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"Basic realm=\"{Options.Realm}\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    private AuthenticateResult Authenticate()
    {
        if (Request.Headers.TryGetValue(ApiKeyAuthentication.HeaderName, out var values))
        {
            if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
            {
                return AuthenticateResult.Fail($"send one non-empty {ApiKeyAuthentication.HeaderName}");
            }

            return FindKey(values[0]!) is { } index ? Success($"api-key-{index}") : AuthenticateResult.Fail("unknown API key");
        }

        if (Options.BasicUserName is { } user && AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } parameter)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            }
            catch (FormatException)
            {
                return AuthenticateResult.Fail("malformed Basic credentials");
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            var valid = colon > 0 && decoded[..colon] == user && FindKey(decoded[(colon + 1)..]) is not null;
            return valid ? Success(user) : AuthenticateResult.Fail("invalid Basic credentials");
        }

        return AuthenticateResult.NoResult();
    }

    /// <summary>The index of the key equal to <paramref name="candidate"/>, or null (always null for an empty candidate).</summary>
    private int? FindKey(string candidate)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(candidate));
        int? match = null;
        var keys = Options.ApiKeys();
        for (var i = 0; i < keys.Count; i++)
        {
            // No early exit: every key is compared, each in constant time.
            if (CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(keys[i]))))
            {
                match = i;
            }
        }

        return candidate.Length > 0 ? match : null;
    }

    private AuthenticateResult Success(string name)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
