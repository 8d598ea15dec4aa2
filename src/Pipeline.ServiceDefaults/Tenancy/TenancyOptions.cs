using Pipeline.Contracts;

namespace Pipeline.ServiceDefaults.Tenancy;

/// <summary>
/// Tenants, their API keys (hashed) and their limits. Bound from <see cref="SectionName"/> by every host that takes API
/// keys (the Api and the Scheduler read the same section, so a key works on both). Example (env form:
/// <c>Pipeline__Tenancy__Tenants__acme__Keys__0__Sha256</c>):
/// <code>
/// "Pipeline": { "Tenancy": { "Tenants": { "acme": {
///     "Keys": [ { "Name": "ci", "Sha256": "&lt;64 hex&gt;", "Scopes": [ "submit", "read" ] } ],
///     "RequestsPerSecond": 5, "Burst": 20, "MaxInFlightJobs": 200 } } } }
/// </code>
/// The host's plain <c>ApiKeys</c> keep working as keys of the <see cref="TenantIds.Default"/> tenant with
/// <see cref="TenantScopes.Client"/> scopes, and its <c>AdminKeys</c> as default-tenant keys with every scope.
/// Read on every request, so keys added or removed by a configuration reload apply at once.
/// </summary>
public sealed class TenancyOptions
{
    /// <summary>The configuration section: <c>Pipeline:Tenancy</c>.</summary>
    public const string SectionName = "Pipeline:Tenancy";

    /// <summary>Tenants by id (<see cref="TenantIds.Pattern"/>). The default tenant may be listed too, for its limits or hashed keys.</summary>
    public Dictionary<string, TenantOptions> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Limits of a tenant that sets none of its own (and of the default tenant unless listed).</summary>
    public TenantLimits Defaults { get; set; } = new() { RequestsPerSecond = 100, Burst = 200, MaxInFlightJobs = 10_000 };

    /// <summary>The limits that apply to <paramref name="tenant"/>: its own where set, else <see cref="Defaults"/>'.</summary>
    public TenantLimits LimitsFor(string tenant)
    {
        var own = Tenants.GetValueOrDefault(tenant);
        return new TenantLimits
        {
            RequestsPerSecond = own?.RequestsPerSecond ?? Defaults.RequestsPerSecond,
            Burst = own?.Burst ?? Defaults.Burst,
            MaxInFlightJobs = own?.MaxInFlightJobs ?? Defaults.MaxInFlightJobs,
        };
    }
}

/// <summary>Per-tenant limits; 0 turns one off.</summary>
public class TenantLimits
{
    /// <summary>Requests per second a tenant's keys may make together, on average (token bucket refill). 0: unlimited.</summary>
    public int? RequestsPerSecond { get; set; }

    /// <summary>The bucket's size: requests allowed at once after a quiet spell. Below <see cref="RequestsPerSecond"/>, that is used.</summary>
    public int? Burst { get; set; }

    /// <summary>The most jobs a tenant may have queued or running at once; a submission beyond it gets 429. 0: unlimited.</summary>
    public int? MaxInFlightJobs { get; set; }
}

/// <summary>One tenant: its keys and, optionally, limits of its own.</summary>
public sealed class TenantOptions : TenantLimits
{
    /// <summary>The tenant's keys, each stored as a hash.</summary>
    public List<TenantKeyOptions> Keys { get; set; } = [];
}

/// <summary>One API key of a tenant.</summary>
public sealed class TenantKeyOptions
{
    /// <summary>A label for logs and the principal's name (e.g. <c>ci</c>); default <c>key-&lt;index&gt;</c>.</summary>
    public string? Name { get; set; }

    /// <summary>SHA-256 of the key as 64 hex digits (<see cref="ApiKeyHashes.Sha256Hex"/>; <c>pipeline tenant key new</c> prints it).</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>The key's scopes (<see cref="TenantScopes"/>); empty: <see cref="TenantScopes.Client"/>.</summary>
    public List<string> Scopes { get; set; } = [];
}
