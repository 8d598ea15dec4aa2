using System.Text.RegularExpressions;

namespace Pipeline.Contracts;

/// <summary>
/// Tenants and the ids their jobs and batches are stored under. A tenant id is 1 to 32 characters of <c>a-z 0-9 -</c>,
/// starting with a letter or digit. Job and batch ids are per tenant: the API stores tenant <c>acme</c>'s job <c>a</c>
/// as <c>acme..a</c> (a <em>storage id</em>), and the <see cref="Default"/> tenant's job <c>a</c> as plain <c>a</c>, so
/// two tenants can both use <c>a</c>, and messages published straight to the broker (which name plain ids) belong to
/// the default tenant. A storage id is itself a valid <see cref="JobIds"/> id, so the worker, the result store
/// (<c>results/acme..a/</c>), messages and webhooks carry it unchanged; the tenant is the part before the first
/// <see cref="Separator"/>. Client ids therefore may not contain <see cref="Separator"/> (it would name another tenant).
/// </summary>
public static partial class TenantIds
{
    /// <summary>The tenant of plain ids: the pre-tenancy API keys, and producers that publish to the broker directly.</summary>
    public const string Default = "default";

    /// <summary>Between the tenant and the client's id in a storage id.</summary>
    public const string Separator = "..";

    /// <summary>The longest tenant id.</summary>
    public const int MaxLength = 32;

    /// <summary>The tenant-id pattern, as documented.</summary>
    public const string Pattern = "^[a-z0-9][a-z0-9-]{0,31}$";

    /// <summary>True when <paramref name="tenant"/> follows the rule.</summary>
    public static bool IsValid(string? tenant) => tenant is not null && TenantRegex().IsMatch(tenant);

    /// <summary>The longest client id a tenant may use: <see cref="JobIds.MaxLength"/> less its prefix.</summary>
    public static int MaxClientIdLength(string tenant) =>
        tenant == Default ? JobIds.MaxLength : JobIds.MaxLength - tenant.Length - Separator.Length;

    /// <summary>
    /// The storage id of <paramref name="tenant"/>'s <paramref name="clientId"/>, or null (with the reason) when the
    /// client id is not valid: not a <see cref="JobIds"/> id, containing <see cref="Separator"/>, or too long with the prefix.
    /// </summary>
    public static string? TryQualify(string tenant, string clientId, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (!JobIds.IsValid(clientId))
        {
            problem = $"must match {JobIds.Pattern}";
            return null;
        }

        if (clientId.Contains(Separator, StringComparison.Ordinal))
        {
            problem = $"may not contain '{Separator}' (it separates a tenant from its ids)";
            return null;
        }

        if (clientId.Length > MaxClientIdLength(tenant))
        {
            problem = $"is at most {MaxClientIdLength(tenant)} characters for tenant '{tenant}'";
            return null;
        }

        problem = null;
        return tenant == Default ? clientId : tenant + Separator + clientId;
    }

    /// <summary>The storage id of <paramref name="tenant"/>'s <paramref name="clientId"/>, unchecked (for ids read back, such as page cursors).</summary>
    public static string Qualify(string tenant, string clientId) => tenant == Default ? clientId : tenant + Separator + clientId;

    /// <summary>The tenant a storage id belongs to: the part before the first <see cref="Separator"/>, else <see cref="Default"/>.</summary>
    public static string TenantOf(string storageId)
    {
        ArgumentNullException.ThrowIfNull(storageId);
        var at = storageId.IndexOf(Separator, StringComparison.Ordinal);
        return at > 0 ? storageId[..at] : Default;
    }

    /// <summary>The id the tenant chose: the storage id without its tenant prefix.</summary>
    public static string ClientIdOf(string storageId)
    {
        ArgumentNullException.ThrowIfNull(storageId);
        var at = storageId.IndexOf(Separator, StringComparison.Ordinal);
        return at > 0 ? storageId[(at + Separator.Length)..] : storageId;
    }

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9\-]{0,31}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TenantRegex();
}
