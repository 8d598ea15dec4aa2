namespace Pipeline.Api.Tenancy;

/// <summary>The Api's tenancy services: the in-flight quota and the per-tenant rate limiter (uploads are recorded per tenant by <see cref="Validation.ImageIntake"/>).</summary>
public static class TenancyServices
{
    /// <summary>
    /// Registers <see cref="InFlightQuota"/> and the rate limiter
    /// (<see cref="TenantRateLimiting"/>; the pipeline adds <c>UseRateLimiter</c> after authentication). Tenants, keys and
    /// limits bind from <c>Pipeline:Tenancy</c> with the API-key authentication.
    /// </summary>
    public static IServiceCollection AddTenancy(this IServiceCollection services)
    {
        services.AddSingleton<InFlightQuota>();
        services.AddTenantRateLimiting();
        return services;
    }
}
