using Pipeline.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Pipeline.ServiceDefaults.Authentication;

namespace Pipeline.ServiceDefaults.Tenancy;

/// <summary>
/// Answers a known key that lacks an endpoint's scope with 403 and a problem body naming the scope (code
/// <see cref="MissingScopeCode"/>), instead of an empty 403 the client has to guess about. Everything else (401, success)
/// goes to the default handler.
/// </summary>
public sealed class ScopeForbiddenResultHandler : IAuthorizationMiddlewareResultHandler
{
    /// <summary>The problem's <c>code</c>.</summary>
    public const string MissingScopeCode = "missing_scope";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    /// <inheritdoc />
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (!authorizeResult.Forbidden || context.User.Identity?.IsAuthenticated != true)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
            return;
        }

        var failed = authorizeResult.AuthorizationFailure?.FailedRequirements ?? [];
        var scope = failed.OfType<ClaimsAuthorizationRequirement>().Where(r => r.ClaimType == TenantClaims.Scope)
                .SelectMany(r => r.AllowedValues ?? []).FirstOrDefault()
            ?? (failed.OfType<RolesAuthorizationRequirement>().Any(r => r.AllowedRoles.Contains(ApiKeyAuthentication.AdminRole)) ? TenantScopes.Admin : null);
        if (scope is null)
        {
            await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
            return;
        }

        var has = context.User.FindAll(TenantClaims.Scope).Select(c => c.Value).ToList();
        await Results.Problem(
                $"this endpoint needs an API key with the '{scope}' scope; this key has {(has.Count == 0 ? "none" : string.Join(", ", has))}. "
                + "Ask the operator for a key with that scope (docs/operations.md, \"Tenants and API keys\").",
                statusCode: StatusCodes.Status403Forbidden, title: "The API key lacks a scope",
                extensions: new Dictionary<string, object?> { ["code"] = MissingScopeCode, ["scope"] = scope })
            .ExecuteAsync(context).ConfigureAwait(false);
    }
}
