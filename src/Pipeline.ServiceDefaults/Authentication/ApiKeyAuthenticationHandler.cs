using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.ServiceDefaults.Tenancy;

namespace Pipeline.ServiceDefaults.Authentication;

/// <summary>
/// The hosts' one authentication scheme: <c>X-Api-Key: &lt;key&gt;</c> (for programs) or, when
/// <see cref="ApiKeyAuthenticationOptions.BasicUserName"/> is set, HTTP Basic with that user and a key as password (for a
/// browser opening a dashboard). Keys are compared as SHA-256 digests in constant time, every key each time, so response
/// timing tells nothing about how much of a key was right. With Basic on, the challenge asks for it, so browsers prompt
/// instead of showing a bare 401. Every key belongs to a tenant and has scopes (<see cref="TenancyOptions"/>): the principal
/// carries them as <see cref="TenantClaims"/>. Keys of <see cref="ApiKeyAuthenticationOptions.ApiKeys"/> are the default
/// tenant's with the client scopes; a key with the admin scope (every <see cref="ApiKeyAuthenticationOptions.AdminKeys"/>
/// key) adds the <see cref="ApiKeyAuthentication.AdminRole"/> role claim. Tenant keys are configured as SHA-256 digests only.
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

            return FindKey(values[0]!) is { } key ? Success(key.Name, key) : AuthenticateResult.Fail("unknown API key");
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
            return key is { } found ? Success(user, found) : AuthenticateResult.Fail("invalid Basic credentials");
        }

        return AuthenticateResult.NoResult();
    }

    /// <summary>
    /// The key whose digest equals <paramref name="candidate"/>'s: an admin key first, then a tenant key, then a plain key
    /// (a key listed twice gets the most it is given); null for no match and always for an empty candidate.
    /// </summary>
    private MatchedKey? FindKey(string candidate)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(candidate));
        var plain = Match(presented, Options.ApiKeys().Select(Digest).ToList());
        var admin = Match(presented, Options.AdminKeys().Select(Digest).ToList());
        var tenancy = Options.Tenancy();
        var tenantKeys = tenancy.Tenants.SelectMany(t => t.Value.Keys.Select((key, index) => (Tenant: t.Key, Key: key, Index: index)))
            .Where(k => ApiKeyHashes.IsSha256Hex(k.Key.Sha256)).ToList();
        var tenant = Match(presented, tenantKeys.Select(k => Convert.FromHexString(k.Key.Sha256)).ToList());
        if (candidate.Length == 0)
        {
            return null;
        }

        if (admin is { } a)
        {
            return new MatchedKey($"admin-key-{a}", TenantIds.Default, TenantScopes.All);
        }

        if (tenant is { } t)
        {
            var (id, key, index) = tenantKeys[t];
            return new MatchedKey($"{id}/{key.Name ?? $"key-{index}"}", id, key.Scopes.Count > 0 ? key.Scopes : TenantScopes.Client);
        }

        return plain is { } p ? new MatchedKey($"api-key-{p}", TenantIds.Default, TenantScopes.Client) : null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The index of the digest equal to <paramref name="presented"/>, or null.</summary>
    private static int? Match(byte[] presented, List<byte[]> digests)
    {
        int? match = null;
        for (var i = 0; i < digests.Count; i++)
        {
            // No early exit: every key is compared, each in constant time.
            if (CryptographicOperations.FixedTimeEquals(presented, digests[i]))
            {
                match ??= i;
            }
        }

        return match;
    }

    private AuthenticateResult Success(string name, MatchedKey key)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(TenantClaims.Tenant, key.Tenant) };
        claims.AddRange(key.Scopes.Distinct(StringComparer.Ordinal).Select(scope => new Claim(TenantClaims.Scope, scope)));
        if (key.Scopes.Contains(TenantScopes.Admin, StringComparer.Ordinal))
        {
            claims.Add(new Claim(ClaimTypes.Role, ApiKeyAuthentication.AdminRole));
        }

        var identity = new ClaimsIdentity(claims, Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    /// <summary>A recognised key: the principal's name, its tenant and its scopes.</summary>
    private sealed record MatchedKey(string Name, string Tenant, IReadOnlyList<string> Scopes);
}
