using Pipeline.Storage.Inputs;
using Pipeline.Storage.Tenancy;

namespace Pipeline.Api.Tenancy;

/// <summary>
/// Uploads on behalf of a tenant: the bytes go to the shared, content-addressed input store (stored once however many
/// tenants upload them), and the tenant is recorded as having uploaded the key, which is what lets its jobs use it
/// (<see cref="OwnsAsync"/>). A tenant cannot use another tenant's input by guessing or learning its key.
/// </summary>
public sealed class TenantUploads(IInputStore inputs, ITenantStore tenants)
{
    /// <summary>Stores <paramref name="content"/> for <paramref name="tenant"/>; <c>NewForTenant</c> is false when it had uploaded these bytes before.</summary>
    public async Task<(StoredInput Stored, bool NewForTenant)> PutAsync(string tenant, Stream content, CancellationToken cancellationToken)
    {
        var stored = await inputs.PutAsync(content, cancellationToken).ConfigureAwait(false);
        var recorded = await tenants.RecordInputAsync(tenant, stored.Key, cancellationToken).ConfigureAwait(false);
        return (stored, recorded);
    }

    /// <summary>True when <paramref name="tenant"/> uploaded <paramref name="key"/>.</summary>
    public Task<bool> OwnsAsync(string tenant, string key, CancellationToken cancellationToken) =>
        tenants.HasInputAsync(tenant, key, cancellationToken);
}
