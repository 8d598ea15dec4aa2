using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Pipeline.Scheduler.Http;

/// <summary>
/// One scheme for the whole host: <c>X-Api-Key: &lt;key&gt;</c> (the API's scheme, for programs) or HTTP Basic with
/// user <see cref="SchedulerOptions.DashboardUser"/> and an API key as password (so a browser can open the
/// dashboard). Keys are compared as SHA-256 digests in constant time. The challenge asks for Basic, so browsers
/// prompt instead of showing a bare 401.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    Microsoft.Extensions.Logging.ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptions<SchedulerOptions> options) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.TryGetValue(HeaderName, out var key))
        {
            return Task.FromResult(IsKey(key.ToString()) ? Success("api-key") : AuthenticateResult.Fail("invalid API key"));
        }

        if (AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            && string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } parameter)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            }
            catch (FormatException)
            {
                return Task.FromResult(AuthenticateResult.Fail("malformed Basic credentials"));
            }

            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            var valid = colon > 0 && decoded[..colon] == options.Value.DashboardUser && IsKey(decoded[(colon + 1)..]);
            return Task.FromResult(valid ? Success(decoded[..colon]) : AuthenticateResult.Fail("invalid Basic credentials"));
        }

        return Task.FromResult(AuthenticateResult.NoResult());
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Basic realm=\"Pipeline Scheduler\", charset=\"UTF-8\"";
        return Task.CompletedTask;
    }

    private bool IsKey(string candidate)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(candidate));
        var match = false;
        foreach (var key in options.Value.ApiKeys)
        {
            // No early exit: every key is compared, each in constant time.
            match |= CryptographicOperations.FixedTimeEquals(digest, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return match && candidate.Length > 0;
    }

    private static AuthenticateResult Success(string name)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
