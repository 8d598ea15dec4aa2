using Pipeline.ServiceDefaults.Tenancy;

namespace Pipeline.Api.Tenancy;

/// <summary>Endpoint metadata for scopes.</summary>
internal static class ScopeEndpointExtensions
{
    /// <summary>
    /// Requires an API key with <paramref name="scope"/>: 403 with code <c>missing_scope</c> otherwise (401 without a key).
    /// </summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(ScopePolicies.Name(scope));
}
