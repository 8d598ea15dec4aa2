namespace Pipeline.Contracts;

/// <summary>
/// What an API key may do (its tenant's keys are configured under <c>Pipeline:Tenancy</c>). Every <c>/v1</c> endpoint asks for one scope: <see cref="Submit"/> for POST jobs, batches and
/// inputs and for writing schedules, <see cref="Read"/> for GETs, <see cref="Cancel"/> for cancelling, <see cref="Admin"/>
/// for the operator endpoints (<c>GET /v1/workers</c>, Hangfire dashboard writes). An admin key also sees every tenant's
/// jobs, batches and schedules.
/// </summary>
public static class TenantScopes
{
    /// <summary>POST jobs, batches and inputs; create, replace, delete and run schedules.</summary>
    public const string Submit = "submit";

    /// <summary>GET jobs, results, batches and schedules.</summary>
    public const string Read = "read";

    /// <summary>Cancel jobs.</summary>
    public const string Cancel = "cancel";

    /// <summary>Operator endpoints and every tenant's data.</summary>
    public const string Admin = "admin";

    /// <summary>Every scope.</summary>
    public static readonly IReadOnlyList<string> All = [Submit, Read, Cancel, Admin];

    /// <summary>What a client key gets when its entry names no scopes, and what the plain <c>ApiKeys</c> get: all but admin.</summary>
    public static readonly IReadOnlyList<string> Client = [Submit, Read, Cancel];

    /// <summary>True for a known scope name.</summary>
    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}
