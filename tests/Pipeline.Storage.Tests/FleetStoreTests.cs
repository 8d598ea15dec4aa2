using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Fleet;
using Pipeline.Storage.Jobs;

namespace Pipeline.Storage.Tests;

public sealed class FleetStoreTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static WorkerHeartbeat Heartbeat(string id, int busy = 1, long done = 0, string provider = "cpu", int? device = null) => new()
    {
        WorkerId = id,
        Host = "host-" + id,
        Packs = [new WorkerPack("emoji-32", "1.0.0"), new WorkerPack("tiny-test", "0.1")],
        DenoiserPrecision = "int8",
        ExecutionProvider = provider,
        CudaDeviceId = device,
        SlotsTotal = 16,
        SlotsBusy = busy,
        JobsDone = done,
        Version = "1.2.3+abc",
        StartedAt = new DateTimeOffset(2025, 6, 1, 11, 0, 0, TimeSpan.Zero),
    };

    private static PostgresFleetStore Fleet(PostgresSchema db) => new(db.DataSource, db.Name, db.Time);

    private static NewJob Job(string id, string priority, DateTimeOffset submitted) =>
        new() { JobId = id, Kind = "generation", Priority = priority, RequestJson = "{}", SubmittedAt = submitted };

    [PostgresFact]
    public async Task UpsertWorkerAsync_SameIdAgain_OneRowHoldingTheLatestBeat()
    {
        await using var db = await PostgresSchema.CreateAsync();
        var fleet = Fleet(db);
        await fleet.UpsertWorkerAsync(Heartbeat("w1", busy: 1, done: 3));
        db.Time.Advance(TimeSpan.FromSeconds(5));

        await fleet.UpsertWorkerAsync(Heartbeat("w1", busy: 7, done: 9, provider: "cuda", device: 2));

        var record = Assert.Single(await fleet.ListLiveWorkersAsync(Timeout));
        Assert.Equal(db.Time.GetUtcNow(), record.LastSeenAt);
        var worker = record.Worker;
        Assert.Equal(("w1", "host-w1", "int8", "cuda", 2), (worker.WorkerId, worker.Host, worker.DenoiserPrecision, worker.ExecutionProvider, worker.CudaDeviceId));
        Assert.Equal((16, 7, 9L), (worker.SlotsTotal, worker.SlotsBusy, worker.JobsDone));
        Assert.Equal([new WorkerPack("emoji-32", "1.0.0"), new WorkerPack("tiny-test", "0.1")], worker.Packs);
        Assert.Equal(("1.2.3+abc", new DateTimeOffset(2025, 6, 1, 11, 0, 0, TimeSpan.Zero)), (worker.Version, worker.StartedAt));
    }

    [PostgresFact]
    public async Task UpsertWorkerAsync_BusyPastTotalOrOnCpu_StoredAsFullWithNoDevice()
    {
        await using var db = await PostgresSchema.CreateAsync();
        var fleet = Fleet(db);

        await fleet.UpsertWorkerAsync(Heartbeat("w1", busy: 20));

        var worker = Assert.Single(await fleet.ListLiveWorkersAsync(Timeout)).Worker;
        Assert.Equal((16, 16), (worker.SlotsTotal, worker.SlotsBusy));
        Assert.Null(worker.CudaDeviceId);
    }

    [PostgresFact]
    public async Task ListLiveWorkersAsync_WorkerSilentPastTheTimeout_DropsOutWhileTheBeatingOneStays()
    {
        await using var db = await PostgresSchema.CreateAsync();
        var fleet = Fleet(db);
        await fleet.UpsertWorkerAsync(Heartbeat("crashed"));
        await fleet.UpsertWorkerAsync(Heartbeat("alive"));

        db.Time.Advance(Timeout);
        await fleet.UpsertWorkerAsync(Heartbeat("alive"));
        var atTheTimeout = await fleet.ListLiveWorkersAsync(Timeout);
        db.Time.Advance(TimeSpan.FromSeconds(1));
        var pastIt = await fleet.ListLiveWorkersAsync(Timeout);

        Assert.Equal(["alive", "crashed"], atTheTimeout.Select(w => w.Worker.WorkerId));
        Assert.Equal(["alive"], pastIt.Select(w => w.Worker.WorkerId));
    }

    [PostgresFact]
    public async Task RemoveWorkerAsync_Existing_GoneAndASecondRemoveFindsNothing()
    {
        await using var db = await PostgresSchema.CreateAsync();
        var fleet = Fleet(db);
        await fleet.UpsertWorkerAsync(Heartbeat("w1"));
        await fleet.UpsertWorkerAsync(Heartbeat("w2"));

        var first = await fleet.RemoveWorkerAsync("w1");
        var second = await fleet.RemoveWorkerAsync("w1");

        Assert.Equal((true, false), (first, second));
        Assert.Equal(["w2"], (await fleet.ListLiveWorkersAsync(Timeout)).Select(w => w.Worker.WorkerId));
    }

    [PostgresFact]
    public async Task PruneWorkersAsync_RowsSilentLongerThanThePeriod_DeletedTimedOutButRecentKept()
    {
        await using var db = await PostgresSchema.CreateAsync();
        var fleet = Fleet(db);
        await fleet.UpsertWorkerAsync(Heartbeat("long-gone"));
        db.Time.Advance(TimeSpan.FromMinutes(50));
        await fleet.UpsertWorkerAsync(Heartbeat("timed-out"));
        db.Time.Advance(TimeSpan.FromMinutes(11));

        var pruned = await fleet.PruneWorkersAsync(TimeSpan.FromHours(1));

        Assert.Equal(1, pruned);
        Assert.Equal(["timed-out"], (await fleet.ListLiveWorkersAsync(TimeSpan.FromDays(1))).Select(w => w.Worker.WorkerId));
        Assert.Empty(await fleet.ListLiveWorkersAsync(Timeout));
    }

    [PostgresFact]
    public async Task GetQueueDepthAsync_QueuedJobsOfEachClass_CountedByPriorityWithTheOldest()
    {
        await using var db = await PostgresSchema.CreateAsync();
        var t0 = new DateTimeOffset(2025, 6, 1, 11, 0, 0, TimeSpan.Zero);
        await db.Store.InsertAsync(Job("started-first", "interactive", t0));
        await db.Store.TryLeaseAsync("started-first", "worker-1", TimeSpan.FromMinutes(5));
        await db.Store.InsertAsync(Job("b2", "bulk", t0.AddSeconds(2)));
        await db.Store.InsertAsync(Job("b1", "bulk", t0.AddSeconds(1)));
        await db.Store.InsertAsync(Job("s1", "standard", t0.AddSeconds(3)));
        await db.Store.InsertAsync(Job("ended", "standard", t0));
        await db.Store.CancelAsync("ended", null);

        var queue = await Fleet(db).GetQueueDepthAsync();

        Assert.Equal(new Dictionary<string, int> { ["bulk"] = 2, ["standard"] = 1 }, queue.ByPriority);
        Assert.Equal(3, queue.Total);
        Assert.Equal(new QueuedJob("b1", "bulk", t0.AddSeconds(1)), queue.Oldest);
    }

    [PostgresFact]
    public async Task GetQueueDepthAsync_NothingQueued_EmptyWithNoOldest()
    {
        await using var db = await PostgresSchema.CreateAsync();

        var queue = await Fleet(db).GetQueueDepthAsync();

        Assert.Empty(queue.ByPriority);
        Assert.Null(queue.Oldest);
    }

    [PostgresFact]
    public async Task GetThroughputAsync_JobsEndedInsideAndBeforeTheWindow_OnlyTheRecentCountedByOutcome()
    {
        await using var db = await PostgresSchema.CreateAsync();
        foreach (var id in new[] { "old", "ok1", "ok2", "ok3", "bad", "stopped", "still-running" })
        {
            await db.Store.InsertAsync(Job(id, "standard", db.Time.GetUtcNow()));
        }

        await db.Store.TryLeaseAsync("old", "worker-1", TimeSpan.FromMinutes(5));
        await db.Store.MarkSucceededAsync("old", "worker-1", new JobSuccess("r/old", 4));
        db.Time.Advance(TimeSpan.FromSeconds(61));
        await db.Store.TryLeaseAsync("ok1", "worker-1", TimeSpan.FromMinutes(5));
        await db.Store.MarkSucceededAsync("ok1", "worker-1", new JobSuccess("r/ok1", 4));
        await db.Store.TryLeaseAsync("ok2", "worker-1", TimeSpan.FromMinutes(5));
        await db.Store.MarkSucceededAsync("ok2", "worker-1", new JobSuccess("r/ok2", 4));
        db.Time.Advance(TimeSpan.FromSeconds(30));
        await db.Store.TryLeaseAsync("ok3", "worker-1", TimeSpan.FromMinutes(5));
        await db.Store.MarkSucceededAsync("ok3", "worker-1", new JobSuccess("r/ok3", 4));
        await db.Store.MarkFailedAsync("bad", new JobFailure("internal_error", "boom", false));
        await db.Store.CancelAsync("stopped", "user");
        await db.Store.TryLeaseAsync("still-running", "worker-1", TimeSpan.FromMinutes(5));

        var throughput = await Fleet(db).GetThroughputAsync(TimeSpan.FromMinutes(1));

        Assert.Equal((3, 1, 1), (throughput.Succeeded, throughput.Failed, throughput.Canceled));
        Assert.Equal(0.05, throughput.ImagesPerSecond, 6);
    }

    [Fact]
    public void FleetOptions_PruneNotLongerThanTheTimeout_FailsValidation()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Fleet:WorkerTimeout"] = "00:02:00",
            ["Pipeline:Fleet:PruneAfter"] = "00:01:00",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddPipelineStorage().BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FleetOptions>>().Value);

        Assert.Contains("PruneAfter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FleetOptions_NothingConfigured_ThirtySecondTimeoutAndOneHourPrune()
    {
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build()).AddLogging()
            .AddPipelineStorage().BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<FleetOptions>>().Value;

        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)), (options.WorkerTimeout, options.PruneAfter));
        Assert.IsType<PostgresFleetStore>(provider.GetRequiredService<IFleetStore>());
    }
}
