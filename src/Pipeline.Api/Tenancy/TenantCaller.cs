using Pipeline.Api.Submission;
using Pipeline.Contracts;
using Pipeline.ServiceDefaults.Tenancy;

namespace Pipeline.Api.Tenancy;

/// <summary>
/// The caller's tenant and how its ids map to stored ones (<see cref="TenantIds"/>). A client names its jobs and batches
/// by the ids it chose; they are stored tenant-qualified, and another tenant's ids are simply not found (404, never 403,
/// so a probe learns nothing). An admin key (the <c>admin</c> scope) sees every tenant: it reads another tenant's job by
/// its stored id (<c>acme..a</c>), and views show it that id.
/// </summary>
public sealed record TenantCaller(string Tenant, bool IsAdmin)
{
    /// <summary>The caller of <paramref name="context"/>'s request.</summary>
    public static TenantCaller Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new TenantCaller(context.User.TenantId(), context.User.IsTenantAdmin());
    }

    /// <summary>
    /// The stored id of a new job or batch named <paramref name="clientId"/> by this caller, or null with an error on
    /// <paramref name="field"/> (<c>..</c> in the id, or too long once qualified).
    /// </summary>
    public string? QualifyNew(string clientId, string field, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var stored = TenantIds.TryQualify(Tenant, clientId, out var problem);
        if (stored is null)
        {
            errors.Add(field, field.EndsWith("batchId", StringComparison.Ordinal) ? ContractErrorCodes.InvalidBatchId : ContractErrorCodes.InvalidJobId,
                $"{field} '{clientId}' {problem}");
        }

        return stored;
    }

    /// <summary>
    /// The stored id an existing job or batch named <paramref name="id"/> by this caller would have, or null when no id of
    /// the caller's can be that (the endpoint answers 404). An admin may also give a stored id of another tenant.
    /// </summary>
    public string? Lookup(string id)
    {
        if (!JobIds.IsValid(id))
        {
            return null;
        }

        if (IsAdmin && id.Contains(TenantIds.Separator, StringComparison.Ordinal))
        {
            return id;
        }

        return TenantIds.TryQualify(Tenant, id, out _);
    }

    /// <summary>True when the caller may see the stored id <paramref name="storedId"/>: its own tenant's, or any for an admin.</summary>
    public bool CanSee(string storedId) => IsAdmin || TenantIds.TenantOf(storedId) == Tenant;

    /// <summary>The id the caller knows a stored id by: its own id for its tenant's, the stored id for another tenant's (admins).</summary>
    public string ViewId(string storedId) =>
        TenantIds.TenantOf(storedId) == Tenant ? TenantIds.ClientIdOf(storedId) : storedId;
}
