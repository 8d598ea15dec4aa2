namespace Pipeline.Storage.Tenancy;

/// <summary>
/// What the Api asks about a tenant beyond its jobs (which carry their tenant in their ids,
/// <see cref="Pipeline.Contracts.TenantIds"/>): how many of its jobs are in flight, and which uploaded inputs are its own.
/// </summary>
public interface ITenantStore
{
    /// <summary>The tenant's jobs that are <c>queued</c> or <c>running</c>.</summary>
    Task<int> CountInFlightAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Records that <paramref name="tenant"/> uploaded the input <paramref name="inputKey"/> (idempotent); true when this recorded it, false when it was recorded before.</summary>
    Task<bool> RecordInputAsync(string tenant, string inputKey, CancellationToken cancellationToken = default);

    /// <summary>True when <paramref name="tenant"/> uploaded <paramref name="inputKey"/>, so its jobs may use it.</summary>
    Task<bool> HasInputAsync(string tenant, string inputKey, CancellationToken cancellationToken = default);
}
