using Pipeline.Contracts;
using Microsoft.AspNetCore.Authentication;
using Pipeline.ServiceDefaults.Tenancy;

namespace Pipeline.ServiceDefaults.Authentication;

/// <summary>What <see cref="ApiKeyAuthenticationHandler"/> accepts; each host fills it from its own options.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The accepted keys, read on every request, so keys reloaded from configuration apply at once.</summary>
    public Func<IReadOnlyList<string>> ApiKeys { get; set; } = static () => [];

    /// <summary>
    /// Keys that authenticate like <see cref="ApiKeys"/> and also carry the <see cref="ApiKeyAuthentication.AdminRole"/>
    /// role (what the <see cref="ApiKeyAuthentication.AdminPolicy"/> policy asks for). Read on every request. Default none.
    /// </summary>
    public Func<IReadOnlyList<string>> AdminKeys { get; set; } = static () => [];

    /// <summary>
    /// Tenants and their hashed keys (<see cref="TenancyOptions"/>), read on every request. <see cref="ApiKeys"/> are keys of the
    /// default tenant with <see cref="TenantScopes.Client"/> scopes and <see cref="AdminKeys"/> default-tenant keys with every scope.
    /// </summary>
    public Func<TenancyOptions> Tenancy { get; set; } = static () => new();

    /// <summary>
    /// When set, HTTP Basic with this user name and an API key as password is accepted too (so a browser can open a
    /// dashboard), and a challenge asks for Basic credentials in <see cref="Realm"/>. Null: <c>X-Api-Key</c> only.
    /// </summary>
    public string? BasicUserName { get; set; }

    /// <summary>The realm a Basic challenge names.</summary>
    public string Realm { get; set; } = "Pipeline";
}
