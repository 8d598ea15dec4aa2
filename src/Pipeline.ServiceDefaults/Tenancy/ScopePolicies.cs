using Pipeline.Contracts;

namespace Pipeline.ServiceDefaults.Tenancy;

/// <summary>The authorization policies of the scopes (<see cref="TenantScopes"/>), registered with the API-key authentication.</summary>
public static class ScopePolicies
{
    /// <summary>The policy that asks for <paramref name="scope"/> (<c>scope:submit</c>, …).</summary>
    public static string Name(string scope) => "scope:" + scope;
}
