using Microsoft.Extensions.Options;
using Pipeline.Contracts;

namespace Pipeline.ServiceDefaults.Tenancy;

/// <summary>Refuses at start (and on reload) tenant ids, key hashes and scopes that could never match or mean nothing.</summary>
public sealed class TenancyOptionsValidator : IValidateOptions<TenancyOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TenancyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var hashes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        CheckLimits(options.Defaults, $"{TenancyOptions.SectionName}:Defaults", problems);
        foreach (var (tenant, settings) in options.Tenants)
        {
            var where = $"{TenancyOptions.SectionName}:Tenants:{tenant}";
            if (!TenantIds.IsValid(tenant))
            {
                problems.Add($"{where}: a tenant id must match {TenantIds.Pattern}");
            }

            CheckLimits(settings, where, problems);
            for (var i = 0; i < settings.Keys.Count; i++)
            {
                var key = settings.Keys[i];
                if (!ApiKeyHashes.IsSha256Hex(key.Sha256))
                {
                    problems.Add($"{where}:Keys:{i}:Sha256 must be the key's SHA-256 as 64 hex digits (pipeline tenant key new prints it)");
                }
                else if (!hashes.TryAdd(key.Sha256, tenant))
                {
                    problems.Add($"{where}:Keys:{i}: the same key is configured twice (also for tenant '{hashes[key.Sha256]}')");
                }

                problems.AddRange(key.Scopes.Where(s => !TenantScopes.IsKnown(s))
                    .Select(s => $"{where}:Keys:{i}:Scopes: unknown scope '{s}' (known: {string.Join(", ", TenantScopes.All)})"));
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static void CheckLimits(TenantLimits limits, string where, List<string> problems)
    {
        if (limits.RequestsPerSecond < 0 || limits.Burst < 0 || limits.MaxInFlightJobs < 0)
        {
            problems.Add($"{where}: RequestsPerSecond, Burst and MaxInFlightJobs are 0 (off) or more");
        }
    }
}
