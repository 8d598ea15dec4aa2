using System.Collections.Concurrent;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Tenancy;

namespace Pipeline.Api.Tests;

/// <summary><see cref="ITenantStore"/> over an <see cref="InMemoryJobStore"/> (in-flight counts from its records) and a set of uploads.</summary>
internal sealed class InMemoryTenantStore(InMemoryJobStore jobs) : ITenantStore
{
    private readonly ConcurrentDictionary<(string Tenant, string Key), bool> _inputs = new();

    public Task<int> CountInFlightAsync(string tenant, CancellationToken cancellationToken = default) =>
        Task.FromResult(jobs.All.Count(j => TenantIds.TenantOf(j.JobId) == tenant && j.Status is JobStatus.Queued or JobStatus.Running));

    public Task<bool> RecordInputAsync(string tenant, string inputKey, CancellationToken cancellationToken = default) =>
        Task.FromResult(_inputs.TryAdd((tenant, inputKey), true));

    public Task<bool> HasInputAsync(string tenant, string inputKey, CancellationToken cancellationToken = default) =>
        Task.FromResult(_inputs.ContainsKey((tenant, inputKey)));
}
