using Pipeline.Contracts;
using Pipeline.Storage.Jobs;

namespace Pipeline.Storage.Tests;

public sealed class JobStoreTests
{
    private const string Worker = "worker-a";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static NewJob Job(string id, string? batchId = null, long seed = 1) => NewJob.From(new SubmitJob
    {
        JobId = id,
        BatchId = batchId,
        Kind = JobKinds.Generation,
        Priority = JobPriorities.Bulk,
        Seed = seed,
        SubmittedAt = new DateTimeOffset(2025, 6, 1, 13, 0, 0, TimeSpan.FromHours(1)),
    });

    [PostgresFact]
    public async Task InsertAsync_New_RecordsQueuedJobWithRequestAndClockTimes()
    {
        await using var db = await PostgresSchema.CreateAsync();

        var insert = await db.Store.InsertAsync(Job("j1"));

        Assert.True(insert.Created);
        Assert.Equal(JobStatus.Queued, insert.Job.Status);
        Assert.Equal("bulk", insert.Job.Priority);
        Assert.Equal(db.Time.GetUtcNow(), insert.Job.CreatedAt);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero), insert.Job.SubmittedAt);
        Assert.Equal(1, insert.Job.ReadRequest().Seed);
        Assert.Equal(insert.Job, await db.Store.GetAsync("j1"));
    }

    [PostgresFact]
    public async Task InsertAsync_WithTraceId_KeptAndReadBack_WithoutOne_Null()
    {
        await using var db = await PostgresSchema.CreateAsync();
        const string trace = "0af7651916cd43dd8448eb211c80319c";

        var traced = await db.Store.InsertAsync(Job("t1") with { TraceId = trace });
        var untraced = await db.Store.InsertAsync(Job("t2"));

        Assert.Equal(trace, traced.Job.TraceId);
        Assert.Equal(trace, (await db.Store.GetAsync("t1"))!.TraceId);
        Assert.Null(untraced.Job.TraceId);
    }

    [PostgresFact]
    public async Task InsertAsync_SameIdAgain_ReturnsTheExistingJobUnchanged()
    {
        await using var db = await PostgresSchema.CreateAsync();
        var first = await db.Store.InsertAsync(Job("j1", seed: 1));
        await db.Store.TryLeaseAsync("j1", Worker, Lease);

        var again = await db.Store.InsertAsync(Job("j1", seed: 2));

        Assert.False(again.Created);
        Assert.Equal(JobStatus.Running, again.Job.Status);
        Assert.Equal(1, again.Job.ReadRequest().Seed);
        Assert.Equal(first.Job.CreatedAt, again.Job.CreatedAt);
    }

    [PostgresFact]
    public async Task InsertAsync_ConcurrentSameId_ExactlyOneCreatesAndAllSeeTheRecord()
    {
        await using var db = await PostgresSchema.CreateAsync();

        var inserts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => db.Store.InsertAsync(Job("j1", seed: i)))));

        var created = Assert.Single(inserts, i => i.Created);
        Assert.All(inserts, i => Assert.Equal(created.Job, i.Job));
    }

    [PostgresFact]
    public async Task Transitions_AfterSucceeded_CannotRegressOrRewriteCompletion()
    {
        await using var db = await PostgresSchema.CreateAsync();
        await db.Store.InsertAsync(Job("j1"));
        Assert.True((await db.Store.TryLeaseAsync("j1", Worker, Lease)).Applied);
        db.Time.Advance(TimeSpan.FromSeconds(5));
        var done = await db.Store.MarkSucceededAsync("j1", Worker, new JobSuccess("results/j1", 16));
        Assert.True(done.Applied);
        var announced = await db.Store.MarkAnnouncedAsync("j1", Worker);

        db.Time.Advance(TimeSpan.FromSeconds(5));
        var lateRunning = await db.Store.TryLeaseAsync("j1", Worker, Lease);
        var lateProgress = await db.Store.ReportProgressAsync("j1", 3, 64);
        var secondSuccess = await db.Store.MarkSucceededAsync("j1", Worker, new JobSuccess("results/other", 64));
        var lateFailure = await db.Store.MarkFailedAsync("j1", new JobFailure("internal_error", "boom", true));
        var lateCancel = await db.Store.CancelAsync("j1", "too late");

        Assert.All([lateRunning, lateProgress, secondSuccess, lateFailure, lateCancel], t => Assert.False(t.Applied));
        var job = (await db.Store.GetAsync("j1"))!;
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal("results/j1", job.ResultKey);
        Assert.Equal(16, job.StepsUsed);
        Assert.Equal(16, job.ProgressStep);
        Assert.Equal(1, job.Attempts);
        Assert.Null(job.ErrorCode);
        Assert.Equal(done.Job!.FinishedAt, job.FinishedAt);
        Assert.Equal(announced.Job, lateCancel.Job);
    }

    [PostgresFact]
    public async Task TryLeaseAsync_SameHolderAgain_CountsAttemptsAndKeepsFirstStart()
    {
        await using var db = await PostgresSchema.CreateAsync();
        await db.Store.InsertAsync(Job("j1"));
        var first = await db.Store.TryLeaseAsync("j1", Worker, Lease);
        db.Time.Advance(TimeSpan.FromMinutes(1));

        var second = await db.Store.TryLeaseAsync("j1", Worker, Lease);

        Assert.True(second.Applied);
        Assert.Equal(2, second.Job!.Attempts);
        Assert.Equal(first.Job!.StartedAt, second.Job.StartedAt);
    }

    [PostgresFact]
    public async Task MarkFailedAsync_RecordsReasonOnceAndTruncatesLongMessages()
    {
        await using var db = await PostgresSchema.CreateAsync();
        await db.Store.InsertAsync(Job("j1"));

        var failed = await db.Store.MarkFailedAsync("j1", new JobFailure("image_too_large", new string('x', 5000), false));
        var again = await db.Store.MarkFailedAsync("j1", new JobFailure("internal_error", "other", true));

        Assert.True(failed.Applied);
        Assert.False(again.Applied);
        Assert.Equal(JobStatus.Failed, again.Job!.Status);
        Assert.Equal("image_too_large", again.Job.ErrorCode);
        Assert.Equal(2000, again.Job.ErrorMessage!.Length);
        Assert.False(again.Job.ErrorRetryable);
    }

    [PostgresFact]
    public async Task CancelAsync_QueuedJob_CanceledAndNeverStarts()
    {
        await using var db = await PostgresSchema.CreateAsync();
        await db.Store.InsertAsync(Job("j1"));

        var cancel = await db.Store.CancelAsync("j1", "user asked");
        var start = await db.Store.TryLeaseAsync("j1", Worker, Lease);
        var finish = await db.Store.MarkSucceededAsync("j1", Worker, new JobSuccess("results/j1", 8));

        Assert.True(cancel.Applied);
        Assert.False(start.Applied);
        Assert.False(finish.Applied);
        Assert.Equal(JobStatus.Canceled, finish.Job!.Status);
        Assert.Equal("user asked", finish.Job.ErrorMessage);
        Assert.Equal(0, finish.Job.Attempts);
    }

    [PostgresFact]
    public async Task ReportProgressAsync_OnlyGrowsAndOnlyWhileRunning()
    {
        await using var db = await PostgresSchema.CreateAsync();
        await db.Store.InsertAsync(Job("j1"));
        Assert.False((await db.Store.ReportProgressAsync("j1", 1, 10)).Applied); // still queued
        await db.Store.TryLeaseAsync("j1", Worker, Lease);

        Assert.True((await db.Store.ReportProgressAsync("j1", 5, 10)).Applied);
        var stale = await db.Store.ReportProgressAsync("j1", 4, 10);
        var repeat = await db.Store.ReportProgressAsync("j1", 5, 10);

        Assert.False(stale.Applied);
        Assert.False(repeat.Applied);
        Assert.Equal(5, stale.Job!.ProgressStep);
        Assert.Equal(10, stale.Job.ProgressSteps);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => db.Store.ReportProgressAsync("j1", 11, 10));
    }

    [PostgresFact]
    public async Task Transitions_UnknownJob_ReportNotFound()
    {
        await using var db = await PostgresSchema.CreateAsync();

        var transition = await db.Store.TryLeaseAsync("nope", Worker, Lease);

        Assert.False(transition.Applied);
        Assert.True(transition.NotFound);
        Assert.Null(await db.Store.GetAsync("nope"));
        Assert.Null(await db.Store.GetBatchAsync("nope"));
        Assert.Null(await db.Store.TryCompleteBatchAsync("nope"));
    }

    [PostgresFact]
    public async Task GetAsync_TraversalId_RejectedBeforeTheDatabase()
    {
        await using var db = await PostgresSchema.CreateAsync();

        await Assert.ThrowsAsync<StorageInputException>(() => db.Store.GetAsync("../x"));
        await Assert.ThrowsAsync<StorageInputException>(() => db.Store.InsertAsync(Job("ok") with { JobId = "a/b" }));
    }

    [PostgresFact]
    public async Task Batch_CountsByStatusAndCompletesExactlyOnce()
    {
        await using var db = await PostgresSchema.CreateAsync();
        var insert = await db.Store.InsertBatchAsync(new NewBatch { BatchId = "b1", ExpectedJobs = 3, CallbackUrl = new Uri("https://hooks.example.com/b1") });
        Assert.True(insert.Created);
        Assert.False((await db.Store.InsertBatchAsync(new NewBatch { BatchId = "b1", ExpectedJobs = 99 })).Created);
        foreach (var id in new[] { "b1-0", "b1-1", "b1-2" })
        {
            await db.Store.InsertAsync(Job(id, "b1"));
        }

        await db.Store.InsertAsync(Job("other"));
        await db.Store.TryLeaseAsync("b1-0", Worker, Lease);
        await db.Store.MarkSucceededAsync("b1-0", Worker, new JobSuccess("results/b1-0", 8));
        await db.Store.MarkFailedAsync("b1-1", new JobFailure("unknown_model", "no such pack", false));
        await db.Store.TryLeaseAsync("b1-2", Worker, Lease);

        var open = (await db.Store.GetBatchAsync("b1"))!;
        Assert.Equal(new BatchCounts(Queued: 0, Running: 1, Succeeded: 1, Failed: 1, Canceled: 0), open.Counts);
        Assert.Equal(3, open.ExpectedJobs);
        Assert.Equal(new Uri("https://hooks.example.com/b1"), open.CallbackUrl);
        Assert.Equal(BatchStatus.Open, open.Status);
        Assert.Null(await db.Store.TryCompleteBatchAsync("b1"));

        await db.Store.CancelAsync("b1-2", null);
        var completions = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => db.Store.TryCompleteBatchAsync("b1"))));

        var completed = Assert.Single(completions, c => c is not null)!;
        Assert.Equal(BatchStatus.Completed, completed.Status);
        Assert.Equal(new BatchCounts(0, 0, 1, 1, 1), completed.Counts);
        Assert.Equal(3, completed.Counts.Ended);
        Assert.Equal(db.Time.GetUtcNow(), completed.CompletedAt);
    }

    [PostgresFact]
    public async Task Batch_CreatedImplicitlyByAJob_TakesDetailsFromALaterSubmitBatch()
    {
        await using var db = await PostgresSchema.CreateAsync();
        await db.Store.InsertAsync(Job("j1", "b1"));
        var implicitBatch = (await db.Store.GetBatchAsync("b1"))!;
        Assert.Null(implicitBatch.ExpectedJobs);
        await db.Store.TryLeaseAsync("j1", Worker, Lease);
        await db.Store.MarkSucceededAsync("j1", Worker, new JobSuccess("results/j1", 8));
        Assert.Null(await db.Store.TryCompleteBatchAsync("b1")); // open-ended: never completes by itself

        var insert = await db.Store.InsertBatchAsync(new NewBatch { BatchId = "b1", ExpectedJobs = 1 });

        Assert.True(insert.Created);
        Assert.Equal(1, insert.Batch.ExpectedJobs);
        Assert.NotNull(await db.Store.TryCompleteBatchAsync("b1"));
    }

    [PostgresFact]
    public async Task ListBatchJobsAsync_PagesInIdOrder()
    {
        await using var db = await PostgresSchema.CreateAsync();
        await db.Store.InsertBatchAsync(new NewBatch { BatchId = "b1", ExpectedJobs = 5 });
        foreach (var i in new[] { 3, 0, 4, 1, 2 })
        {
            await db.Store.InsertAsync(Job($"b1-{i}", "b1"));
        }

        var first = await db.Store.ListBatchJobsAsync("b1", null, 2);
        var second = await db.Store.ListBatchJobsAsync("b1", first[^1].JobId, 2);
        var last = await db.Store.ListBatchJobsAsync("b1", second[^1].JobId, 2);

        Assert.Equal(["b1-0", "b1-1", "b1-2", "b1-3", "b1-4"], first.Concat(second).Concat(last).Select(j => j.JobId));
        Assert.Empty(await db.Store.ListBatchJobsAsync("b1", "b1-4", 2));
    }
}
