using Pipeline.Contracts;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Outbox;

namespace Pipeline.Storage.Tests;

/// <summary>
/// The event outbox on PostgreSQL: a terminal transition writes its event's row in the same statement (and only when it
/// applies), a row written by a worker that died before publishing is published by any later dispatcher exactly once,
/// a failed publication stays pending, and two dispatchers never publish one row twice.
/// </summary>
public sealed class EventOutboxTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    [PostgresFact]
    public async Task TerminalTransitions_WriteOneRowEach_OnlyWhenTheyApply()
    {
        await using var db = await QueuedAsync(("ok", "b1"), ("bad", "b1"), ("stop", "b1"));
        await db.Store.InsertBatchAsync(new NewBatch { BatchId = "b1", ExpectedJobs = 3 });
        await db.Store.TryLeaseAsync("ok", "a", Lease);
        await db.Store.MarkSucceededAsync("ok", "a", new JobSuccess("results/ok", 8));
        await db.Store.MarkSucceededAsync("ok", "a", new JobSuccess("results/ok", 8)); // a repeat: not applied, no row
        await db.Store.MarkFailedAsync("bad", new JobFailure("image_undecodable", "not an image", false));
        await db.Store.MarkFailedAsync("ok", new JobFailure("internal_error", "late", true)); // ended already: no row
        await db.Store.CancelAsync("stop", "user");
        await db.Store.CancelAsync("stop", "again");
        await db.Store.TryCompleteBatchAsync("b1");
        await db.Store.TryCompleteBatchAsync("b1");

        var published = new List<OutboxEvent>();
        var dispatch = await Outbox(db).DispatchAsync(null, 100, (e, _) => { published.Add(e); return Task.CompletedTask; });

        Assert.Equal(
            [(EventMessageIds.JobCompleted, "ok"), (EventMessageIds.JobFailed, "bad"), (EventMessageIds.JobCanceled, "stop"), (EventMessageIds.BatchCompleted, "b1")],
            published.Select(e => (e.EventType, e.SubjectId)));
        Assert.All(published, e => Assert.Equal(EventMessageIds.For(e.EventType, e.SubjectId), e.MessageId));
        Assert.Equal(4, dispatch.Sent.Count);
    }

    [PostgresFact]
    public async Task WorkerDiedBetweenCommitAndPublish_AnotherDispatcherPublishesItOnceThenNeverAgain()
    {
        await using var db = await QueuedAsync(("j1", null));
        await db.Store.TryLeaseAsync("j1", "a", Lease);
        // Worker a commits the success (and so the row) and dies before its own dispatch: nothing else happens on its side.
        await db.Store.MarkSucceededAsync("j1", "a", new JobSuccess("results/j1", 8));

        var published = new List<Guid>();
        var sweep = await Outbox(db).DispatchAsync(null, 100, (e, _) => { published.Add(e.MessageId); return Task.CompletedTask; });
        var again = await Outbox(db).DispatchAsync(null, 100, (e, _) => { published.Add(e.MessageId); return Task.CompletedTask; });
        var byId = await Outbox(db).DispatchAsync([EventMessageIds.For(EventMessageIds.JobCompleted, "j1")], 1,
            (e, _) => { published.Add(e.MessageId); return Task.CompletedTask; });

        Assert.Equal([EventMessageIds.For(EventMessageIds.JobCompleted, "j1")], published);
        Assert.Single(sweep.Sent);
        Assert.Empty(again.Sent);
        Assert.Empty(byId.Sent);
    }

    [PostgresFact]
    public async Task PublishThrows_RowStaysPending_NextDispatchPublishesIt()
    {
        await using var db = await QueuedAsync(("j1", null), ("j2", null));
        await db.Store.MarkFailedAsync("j1", new JobFailure("image_undecodable", "x", false));
        await db.Store.MarkFailedAsync("j2", new JobFailure("image_undecodable", "x", false));

        var first = await Outbox(db).DispatchAsync(null, 100, (e, _) =>
            e.SubjectId == "j1" ? throw new InvalidOperationException("broker unreachable") : Task.CompletedTask);
        var second = await Outbox(db).DispatchAsync(null, 100, (_, _) => Task.CompletedTask);

        Assert.Equal(["j2"], first.Sent.Select(e => e.SubjectId));
        Assert.Equal("j1", Assert.Single(first.Failed).Event.SubjectId);
        Assert.Equal(["j1"], second.Sent.Select(e => e.SubjectId));
    }

    [PostgresFact]
    public async Task TwoDispatchersAtOnce_EachRowPublishedOnce()
    {
        var ids = Enumerable.Range(0, 40).Select(i => ($"j{i:D2}", (string?)null)).ToArray();
        await using var db = await QueuedAsync(ids);
        foreach (var (id, _) in ids)
        {
            await db.Store.MarkFailedAsync(id, new JobFailure("image_undecodable", "x", false));
        }

        var published = new System.Collections.Concurrent.ConcurrentBag<string>();
        async Task Publish(OutboxEvent e, CancellationToken ct)
        {
            await Task.Yield();
            published.Add(e.SubjectId);
        }

        // Small batches, many rounds, two dispatchers racing over the same pending rows.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while ((await Outbox(db).DispatchAsync(null, 3, Publish)).Sent.Count > 0)
            {
            }
        })));

        Assert.Equal(ids.Select(i => i.Item1).Order(), published.Order());
    }

    [PostgresFact]
    public async Task PruneSentAsync_DeletesOnlySentRowsOlderThanTheCutoff()
    {
        await using var db = await QueuedAsync(("sent", null), ("pending", null));
        await db.Store.MarkFailedAsync("sent", new JobFailure("image_undecodable", "x", false));
        await Outbox(db).DispatchAsync(null, 100, (_, _) => Task.CompletedTask);
        await db.Store.MarkFailedAsync("pending", new JobFailure("image_undecodable", "x", false));
        db.Time.Advance(TimeSpan.FromDays(8));

        var pruned = await Outbox(db).PruneSentAsync(db.Time.GetUtcNow() - TimeSpan.FromDays(7));
        var left = await Outbox(db).DispatchAsync(null, 100, (_, _) => Task.CompletedTask);

        Assert.Equal(1, pruned);
        Assert.Equal(["pending"], left.Sent.Select(e => e.SubjectId));
    }

    private static PostgresEventOutbox Outbox(PostgresSchema db) => new(db.DataSource, db.Name, db.Time);

    private static async Task<PostgresSchema> QueuedAsync(params (string Id, string? BatchId)[] jobs)
    {
        var db = await PostgresSchema.CreateAsync();
        foreach (var (id, batch) in jobs)
        {
            await db.Store.InsertAsync(NewJob.From(new SubmitJob { JobId = id, BatchId = batch, Kind = JobKinds.Generation }));
        }

        return db;
    }
}
