using Pipeline.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.ServiceDefaults.Tenancy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Pipeline.ServiceDefaults.Authentication;

/// <summary>The API-key scheme's names and its one registration, shared by the Api and the Scheduler.</summary>
public static class ApiKeyAuthentication
{
    /// <summary>The scheme name (also the OpenAPI security scheme's).</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The request header that carries a key.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>The role claim an admin key (<see cref="ApiKeyAuthenticationOptions.AdminKeys"/>) adds.</summary>
    public const string AdminRole = "admin";

    /// <summary>The authorization policy of operator endpoints: an admin key (401 without a key, 403 with another one).</summary>
    public const string AdminPolicy = "admin";

    /// <summary>
    /// Makes <see cref="ApiKeyAuthenticationHandler"/> the default scheme and adds authorization with the
    /// <see cref="AdminPolicy"/> policy (the <see cref="AdminRole"/> role) and one policy per scope
    /// (<see cref="TenantScopes.Policy"/>), whose 403 names the missing scope (<see cref="ScopeForbiddenResultHandler"/>).
    /// Tenants and their hashed keys bind from <see cref="TenancyOptions.SectionName"/> (validated at start).
    /// <paramref name="configure"/> fills <see cref="ApiKeyAuthenticationOptions"/> from the host's own options
    /// (<typeparamref name="THostOptions"/>, read through a monitor so reloaded keys apply).
    /// </summary>
    public static IServiceCollection AddApiKeyAuthentication<THostOptions>(this IServiceCollection services,
        Action<ApiKeyAuthenticationOptions, IOptionsMonitor<THostOptions>> configure)
        where THostOptions : class
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddAuthentication(SchemeName).AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(SchemeName, null);
        services.AddOptions<TenancyOptions>().BindConfiguration(TenancyOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TenancyOptions>, TenancyOptionsValidator>());
        services.AddOptions<ApiKeyAuthenticationOptions>(SchemeName)
            .Configure<IOptionsMonitor<TenancyOptions>>((auth, tenancy) => auth.Tenancy = () => tenancy.CurrentValue)
            .Configure(configure);
        var authorization = services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(AdminRole));
        foreach (var scope in TenantScopes.All)
        {
            authorization.AddPolicy(ScopePolicies.Name(scope), policy => policy.RequireAuthenticatedUser().RequireClaim(TenantClaims.Scope, scope));
        }

        // Added, not tried: the framework registers its own default handler first, and the last registration wins.
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ScopeForbiddenResultHandler>();
        return services;
    }
}
