using Pipeline.Contracts;
using Pipeline.Storage.Jobs;

namespace Pipeline.Storage.Tests;

/// <summary>
/// The job lease on PostgreSQL: one holder at a time, taken over once it expires, renewed and given back by its holder,
/// and the only way to mark a job succeeded; the success ends it (its announcement is the outbox's), except on jobs that
/// succeeded before the outbox, whose lease is still the duty to announce them, once.
/// </summary>
public sealed class JobLeaseStoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [PostgresFact]
    public async Task TryLeaseAsync_QueuedJob_TakenRunningUntilNowPlusTheDuration()
    {
        await using var db = await QueuedAsync("j1");

        var taken = await db.Store.TryLeaseAsync("j1", "a", Lease);

        Assert.True(taken.Applied);
        Assert.Equal((JobStatus.Running, "a", db.Time.GetUtcNow() + Lease, 1),
            (taken.Job!.Status, taken.Job.LeasedBy, taken.Job.LeaseExpiresAt, taken.Job.Attempts));
        Assert.Equal(db.Time.GetUtcNow(), taken.Job.StartedAt);
    }

    [PostgresFact]
    public async Task TryLeaseAsync_WhileAnotherWorkersLeaseIsLive_RefusedThenTakenOverOnceItExpires()
    {
        await using var db = await QueuedAsync("j1");
        await db.Store.TryLeaseAsync("j1", "a", Lease);
        db.Time.Advance(Lease - TimeSpan.FromSeconds(1));

        var early = await db.Store.TryLeaseAsync("j1", "b", Lease);
        db.Time.Advance(TimeSpan.FromSeconds(1));
        var late = await db.Store.TryLeaseAsync("j1", "b", Lease);

        Assert.False(early.Applied);
        Assert.Equal("a", early.Job!.LeasedBy);
        Assert.True(late.Applied);
        Assert.Equal(("b", 2, JobStatus.Running), (late.Job!.LeasedBy, late.Job.Attempts, late.Job.Status));
    }

    [PostgresFact]
    public async Task TryLeaseAsync_ManyWorkersAtOnce_ExactlyOneTakesTheJob()
    {
        await using var db = await QueuedAsync("j1");

        var takes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => db.Store.TryLeaseAsync("j1", $"w{i}", Lease))));

        var winner = Assert.Single(takes, t => t.Applied);
        Assert.Equal(1, (await db.Store.GetAsync("j1"))!.Attempts);
        Assert.Equal(winner.Job!.LeasedBy, (await db.Store.GetAsync("j1"))!.LeasedBy);
    }

    [PostgresFact]
    public async Task MarkSucceededAsync_OnlyTheHolderAndOnlyOnce()
    {
        await using var db = await QueuedAsync("j1");
        await db.Store.TryLeaseAsync("j1", "a", Lease);
        db.Time.Advance(Lease);
        await db.Store.TryLeaseAsync("j1", "b", Lease); // a stalled past its lease; b took the job over

        var byFormerHolder = await db.Store.MarkSucceededAsync("j1", "a", new JobSuccess("results/j1", 8));
        var byHolder = await db.Store.MarkSucceededAsync("j1", "b", new JobSuccess("results/j1", 8));
        var again = await db.Store.MarkSucceededAsync("j1", "b", new JobSuccess("results/j1", 9));

        Assert.Equal((false, true, false), (byFormerHolder.Applied, byHolder.Applied, again.Applied));
        Assert.Equal((JobStatus.Succeeded, 8, "b"), (again.Job!.Status, again.Job.StepsUsed, again.Job.LeasedBy));
        Assert.Null(again.Job.LeaseExpiresAt); // ended with the success: the announcement is the outbox row written with it
    }

    [PostgresFact]
    public async Task SucceededBeforeTheOutbox_HolderDiedBeforeAnnouncing_AnnouncementTakenOverOnceThenNeverAgain()
    {
        await using var db = await QueuedAsync("j1");
        await db.Store.TryLeaseAsync("j1", "a", Lease);
        await db.Store.MarkSucceededAsync("j1", "a", new JobSuccess("results/j1", 8));
        await LegacyAnnouncementLeaseAsync(db, "j1"); // as a job that succeeded before migration 006 kept it

        var whileLive = await db.Store.TryLeaseAsync("j1", "b", Lease);
        db.Time.Advance(Lease);
        var afterExpiry = await db.Store.TryLeaseAsync("j1", "b", Lease);
        var announced = await db.Store.MarkAnnouncedAsync("j1", "b");
        db.Time.Advance(Lease);
        var afterAnnouncement = await db.Store.TryLeaseAsync("j1", "c", Lease);

        Assert.False(whileLive.Applied);
        Assert.True(afterExpiry.Applied);
        Assert.Equal((JobStatus.Succeeded, 1), (afterExpiry.Job!.Status, afterExpiry.Job.Attempts));
        Assert.True(announced.Applied);
        Assert.Null(announced.Job!.LeaseExpiresAt);
        Assert.False(afterAnnouncement.Applied);
        Assert.Equal("b", afterAnnouncement.Job!.LeasedBy);
    }

    [PostgresFact]
    public async Task SucceededJob_LeaseEndsWithTheSuccess_NobodyTakesItAgain()
    {
        await using var db = await QueuedAsync("j1");
        await db.Store.TryLeaseAsync("j1", "a", Lease);
        await db.Store.MarkSucceededAsync("j1", "a", new JobSuccess("results/j1", 8));

        var take = await db.Store.TryLeaseAsync("j1", "b", Lease);

        Assert.False(take.Applied);
        Assert.Equal(("a", null), (take.Job!.LeasedBy, take.Job.LeaseExpiresAt));
    }

    [PostgresFact]
    public async Task RenewLeasesAsync_ExtendsOnlyTheHoldersLiveLeases()
    {
        await using var db = await QueuedAsync("mine", "released", "taken-over", "canceled", "someone-elses");
        foreach (var id in new[] { "mine", "released", "taken-over", "canceled" })
        {
            await db.Store.TryLeaseAsync(id, "a", Lease);
        }

        await db.Store.TryLeaseAsync("someone-elses", "b", Lease);
        await db.Store.ReleaseLeaseAsync("released", "a");
        await db.Store.CancelAsync("canceled", "user");
        db.Time.Advance(Lease);
        await db.Store.TryLeaseAsync("taken-over", "b", Lease);
        db.Time.Advance(TimeSpan.FromSeconds(1));

        var held = await db.Store.RenewLeasesAsync("a", ["mine", "released", "taken-over", "canceled", "someone-elses", "unknown"], Lease);

        Assert.Equal(["mine"], held);
        Assert.Equal(db.Time.GetUtcNow() + Lease, (await db.Store.GetAsync("mine"))!.LeaseExpiresAt);
        Assert.Null((await db.Store.GetAsync("released"))!.LeaseExpiresAt);
        Assert.Null((await db.Store.GetAsync("canceled"))!.LeaseExpiresAt);
        Assert.Empty(await db.Store.RenewLeasesAsync("a", [], Lease));
    }

    [PostgresFact]
    public async Task RenewLeasesAsync_JobTheHolderMarkedSucceeded_CountsAsHeld()
    {
        await using var db = await QueuedAsync("done", "other");
        await db.Store.TryLeaseAsync("done", "a", Lease);
        await db.Store.TryLeaseAsync("other", "b", Lease);
        await db.Store.MarkSucceededAsync("done", "a", new JobSuccess("results/done", 8));
        await db.Store.MarkSucceededAsync("other", "b", new JobSuccess("results/other", 8));

        var held = await db.Store.RenewLeasesAsync("a", ["done", "other"], Lease);

        Assert.Equal(["done"], held);
        Assert.Null((await db.Store.GetAsync("done"))!.LeaseExpiresAt);
    }

    [PostgresFact]
    public async Task ReleaseLeaseAsync_ByTheHolder_JobTakenAtOnceByTheNext()
    {
        await using var db = await QueuedAsync("j1");
        await db.Store.TryLeaseAsync("j1", "a", Lease);

        var byOther = await db.Store.ReleaseLeaseAsync("j1", "b");
        var byHolder = await db.Store.ReleaseLeaseAsync("j1", "a");
        var next = await db.Store.TryLeaseAsync("j1", "b", Lease);

        Assert.Equal((false, true, true), (byOther.Applied, byHolder.Applied, next.Applied));
        Assert.Equal((JobStatus.Running, 2), (next.Job!.Status, next.Job.Attempts));
    }

    [PostgresFact]
    public async Task ReleaseLeaseAsync_SucceededBeforeTheOutbox_KeepsTheAnnouncementLease()
    {
        await using var db = await QueuedAsync("j1");
        await db.Store.TryLeaseAsync("j1", "a", Lease);
        await db.Store.MarkSucceededAsync("j1", "a", new JobSuccess("results/j1", 8));
        await LegacyAnnouncementLeaseAsync(db, "j1");

        var release = await db.Store.ReleaseLeaseAsync("j1", "a");

        Assert.False(release.Applied);
        Assert.NotNull(release.Job!.LeaseExpiresAt);
    }

    [PostgresFact]
    public async Task MarkFailedAsync_LeasedJob_LeaseEndsAndNobodyTakesTheJob()
    {
        await using var db = await QueuedAsync("j1");
        await db.Store.TryLeaseAsync("j1", "a", Lease);

        var failed = await db.Store.MarkFailedAsync("j1", new JobFailure("image_undecodable", "not an image", false));
        var take = await db.Store.TryLeaseAsync("j1", "b", Lease);

        Assert.Null(failed.Job!.LeaseExpiresAt);
        Assert.Equal("a", failed.Job.LeasedBy);
        Assert.False(take.Applied);
    }

    /// <summary>Gives a succeeded job back the announcement lease jobs kept until migration 006 (the holder's, live for <see cref="Lease"/>).</summary>
    private static async Task LegacyAnnouncementLeaseAsync(PostgresSchema db, string jobId)
    {
        await using var command = db.DataSource.CreateCommand($"UPDATE \"{db.Name}\".jobs SET lease_expires_at = @until WHERE id = @id");
        command.Parameters.AddWithValue("until", db.Time.GetUtcNow() + Lease);
        command.Parameters.AddWithValue("id", jobId);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresSchema> QueuedAsync(params string[] ids)
    {
        var db = await PostgresSchema.CreateAsync();
        foreach (var id in ids)
        {
            await db.Store.InsertAsync(NewJob.From(new SubmitJob { JobId = id, Kind = JobKinds.Generation }));
        }

        return db;
    }
}
