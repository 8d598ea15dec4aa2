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
/// instead of showing a bare 401. A key from <see cref="ApiKeyAuthenticationOptions.AdminKeys"/> authenticates as well and
/// adds the <see cref="ApiKeyAuthentication.AdminRole"/> role claim.
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

            return FindKey(values[0]!) is { } key ? Success(key.Admin ? $"admin-key-{key.Index}" : $"api-key-{key.Index}", key.Admin)
                : AuthenticateResult.Fail("unknown API key");
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
            var key = colon > 0 && decoded[..colon] == user ? FindKey(decoded[(colon + 1)..]) : null;
            return key is { } found ? Success(user, found.Admin) : AuthenticateResult.Fail("invalid Basic credentials");
        }

        return AuthenticateResult.NoResult();
    }

    /// <summary>
    /// The key equal to <paramref name="candidate"/>: its index in its list and whether it is an admin key (an admin key
    /// that is also a plain key counts as admin); null for no match and always for an empty candidate.
    /// </summary>
    private (int Index, bool Admin)? FindKey(string candidate)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(candidate));
        var plain = Match(presented, Options.ApiKeys());
        var admin = Match(presented, Options.AdminKeys());
        if (candidate.Length == 0)
        {
            return null;
        }

        return admin is { } a ? (a, true) : plain is { } p ? (p, false) : null;
    }

    /// <summary>The index of the key whose digest equals <paramref name="presented"/>, or null.</summary>
    private static int? Match(byte[] presented, IReadOnlyList<string> keys)
    {
        int? match = null;
        for (var i = 0; i < keys.Count; i++)
        {
            // No early exit: every key is compared, each in constant time.
            if (CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(keys[i]))))
            {
                match = i;
            }
        }

        return match;
    }

    private AuthenticateResult Success(string name, bool admin)
    {
        Claim[] claims = admin ? [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, ApiKeyAuthentication.AdminRole)] : [new Claim(ClaimTypes.Name, name)];
        var identity = new ClaimsIdentity(claims, Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
