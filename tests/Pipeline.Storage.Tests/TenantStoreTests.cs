using Pipeline.Contracts;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Tenancy;

namespace Pipeline.Storage.Tests;

/// <summary>
/// Migration 005 and <see cref="PostgresTenantStore"/>: the tenant column derived from stored ids (so every writer gets it
/// right), in-flight counts per tenant, and inputs recorded per uploading tenant.
/// </summary>
public sealed class TenantStoreTests
{
    private static NewJob Job(string id, string? batchId = null) => NewJob.From(new SubmitJob
    {
        JobId = id,
        BatchId = batchId,
        Kind = JobKinds.Generation,
        Priority = JobPriorities.Standard,
    });

    [PostgresFact]
    public async Task TenantColumn_DerivedFromTheStoredId_ForJobsAndBatches()
    {
        await using var db = await PostgresSchema.CreateAsync();
        await db.Store.InsertAsync(Job("plain"));
        await db.Store.InsertAsync(Job("acme..a", batchId: "acme..b"));
        await db.Store.InsertAsync(Job("x..y..z"));

        Assert.Equal("default", await TenantAsync(db, "jobs", "plain"));
        Assert.Equal("acme", await TenantAsync(db, "jobs", "acme..a"));
        Assert.Equal("acme", await TenantAsync(db, "batches", "acme..b"));
        Assert.Equal("x", await TenantAsync(db, "jobs", "x..y..z"));
        Assert.Equal(TenantIds.TenantOf("x..y..z"), await TenantAsync(db, "jobs", "x..y..z"));
    }

    [PostgresFact]
    public async Task CountInFlight_QueuedAndRunningOfThatTenantOnly()
    {
        await using var db = await PostgresSchema.CreateAsync();
        var tenants = new PostgresTenantStore(db.DataSource, db.Name, db.Time);
        foreach (var id in new[] { "acme..q", "acme..r", "acme..done", "globex..q", "q" })
        {
            await db.Store.InsertAsync(Job(id));
        }

        await db.Store.TryLeaseAsync("acme..r", "worker-1", TimeSpan.FromMinutes(1));
        await db.Store.MarkFailedAsync("acme..done", new JobFailure("x", "ended", Retryable: false));

        Assert.Equal(2, await tenants.CountInFlightAsync("acme"));
        Assert.Equal(1, await tenants.CountInFlightAsync("globex"));
        Assert.Equal(1, await tenants.CountInFlightAsync(TenantIds.Default));
        Assert.Equal(0, await tenants.CountInFlightAsync("initech"));
    }

    [PostgresFact]
    public async Task Inputs_RecordedPerTenant_OnlyTheUploaderHasThem()
    {
        await using var db = await PostgresSchema.CreateAsync();
        var tenants = new PostgresTenantStore(db.DataSource, db.Name, db.Time);
        var key = "sha256:" + new string('a', 64);

        Assert.True(await tenants.RecordInputAsync("acme", key));
        Assert.False(await tenants.RecordInputAsync("acme", key));

        Assert.True(await tenants.HasInputAsync("acme", key));
        Assert.False(await tenants.HasInputAsync("globex", key));
        Assert.False(await tenants.HasInputAsync("acme", "sha256:" + new string('b', 64)));
        Assert.False(await tenants.HasInputAsync("acme", "not-a-key"));
    }

    private static async Task<string?> TenantAsync(PostgresSchema db, string table, string id)
    {
        await using var command = db.DataSource.CreateCommand($"SELECT tenant FROM \"{db.Name}\".{table} WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return (string?)await command.ExecuteScalarAsync();
    }
}
