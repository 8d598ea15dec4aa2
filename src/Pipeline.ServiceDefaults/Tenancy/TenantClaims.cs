using System.Security.Claims;
using Pipeline.Contracts;

namespace Pipeline.ServiceDefaults.Tenancy;

/// <summary>The claims an authenticated API key carries: its tenant and its scopes.</summary>
public static class TenantClaims
{
    /// <summary>The tenant the key belongs to (one claim).</summary>
    public const string Tenant = "pipeline:tenant";

    /// <summary>One claim per scope the key has (<see cref="TenantScopes"/>).</summary>
    public const string Scope = "pipeline:scope";

    /// <summary>The caller's tenant: its key's, else <see cref="TenantIds.Default"/> (a principal without the claim).</summary>
    public static string TenantId(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindFirst(Tenant)?.Value ?? TenantIds.Default;
    }

    /// <summary>True when the caller's key has <paramref name="scope"/>.</summary>
    public static bool HasScope(this ClaimsPrincipal user, string scope)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.HasClaim(Scope, scope);
    }

    /// <summary>True for an operator key: it sees every tenant.</summary>
    public static bool IsTenantAdmin(this ClaimsPrincipal user) => user.HasScope(TenantScopes.Admin);
}
