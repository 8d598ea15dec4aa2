using System.Collections.Concurrent;
using Pipeline.Contracts;

namespace Pipeline.Engine.Tests;

public class SchedulingTests
{
    [Fact]
    public async Task Admission_FullPool_AdmitsInteractiveThenStandardThenBulk_FifoWithinClass()
    {
        await using var harness = new EngineHarness(maxBatch: 1);
        var firstSteps = new ConcurrentQueue<string>();
        var progress = new SyncProgress(p =>
        {
            if (p.Step == 1)
            {
                firstSteps.Enqueue(p.JobId);
            }
        });
        harness.Denoiser.Gate.Reset();
        var blocker = harness.Engine.RunAsync(EngineHarness.Generation("blocker", 1, 2, priority: PriorityClass.Bulk), progress);
        await Poll.UntilAsync(() => harness.Denoiser.Entered >= 1, "the blocker's first forward starts");

        (string Id, PriorityClass Priority)[] arrivals =
        [
            ("bulk-1", PriorityClass.Bulk), ("standard-1", PriorityClass.Standard), ("interactive-1", PriorityClass.Interactive),
            ("standard-2", PriorityClass.Standard), ("bulk-2", PriorityClass.Bulk), ("interactive-2", PriorityClass.Interactive),
        ];
        var tasks = arrivals.Select(a => harness.Engine.RunAsync(EngineHarness.Generation(a.Id, 2, 2, priority: a.Priority), progress)).ToList();
        Assert.Equal(0, harness.Engine.FreeSlots);
        harness.Denoiser.Gate.Set();
        await Task.WhenAll([blocker, .. tasks]);

        Assert.Equal(["blocker", "interactive-1", "interactive-2", "standard-1", "standard-2", "bulk-1", "bulk-2"], firstSteps);
    }

    [Fact]
    public async Task Cancel_MidRun_JobLeavesItsSlotTaskIsCanceledAndOthersFinishUnchanged()
    {
        var expectedB = await EngineHarness.RunAloneAsync(EngineHarness.Generation("b", 2, 10, UnmaskOrder.ExactK));
        var expectedC = await EngineHarness.RunAloneAsync(EngineHarness.Generation("c", 3, 5, UnmaskOrder.ExactK));
        await using var harness = new EngineHarness(maxBatch: 2);
        using var cancelA = new CancellationTokenSource();
        var stepsOfA = 0;
        harness.Denoiser.OnForward = call =>
        {
            if (call == 3)
            {
                cancelA.Cancel();
            }
        };

        var a = harness.Engine.RunAsync(EngineHarness.Generation("a", 1, 50, UnmaskOrder.ExactK),
            new SyncProgress(p => stepsOfA = p.Step), cancelA.Token);
        var b = harness.Engine.RunAsync(EngineHarness.Generation("b", 2, 10, UnmaskOrder.ExactK));
        var c = harness.Engine.RunAsync(EngineHarness.Generation("c", 3, 5, UnmaskOrder.ExactK));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a);
        Assert.Equal(expectedB, (await b).Tokens);
        Assert.Equal(expectedC, (await c).Tokens);
        Assert.InRange(stepsOfA, 3, 4);
        await Poll.UntilAsync(() => harness.Engine.FreeSlots == harness.Engine.Capacity, "every slot is free again");
    }

    [Fact]
    public async Task Cancel_WhileWaitingForASlot_TaskIsCanceledWithoutRunning()
    {
        await using var harness = new EngineHarness(maxBatch: 1);
        harness.Denoiser.Gate.Reset();
        var running = harness.Engine.RunAsync(EngineHarness.Generation("running", 1, 3));
        await Poll.UntilAsync(() => harness.Denoiser.Entered >= 1, "the first forward starts");
        using var cancel = new CancellationTokenSource();
        var steps = 0;
        var waiting = harness.Engine.RunAsync(EngineHarness.Generation("waiting", 2, 3), new SyncProgress(_ => steps++), cancel.Token);

        await cancel.CancelAsync();
        harness.Denoiser.Gate.Set();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await running;
        Assert.Equal(0, steps);
        await Poll.UntilAsync(() => harness.Engine.FreeSlots == 1, "the slot is free again");
    }

    [Fact]
    public async Task RunAsync_AlreadyCanceledToken_ThrowsWithoutQueuing()
    {
        await using var harness = new EngineHarness();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => harness.Engine.RunAsync(EngineHarness.Generation("g", 1, 3), cancellationToken: new CancellationToken(canceled: true)));
        Assert.Equal(harness.Engine.Capacity, harness.Engine.FreeSlots);
    }

    [Fact]
    public async Task FailingJobInTheLoop_FailsAloneWhileTheOthersInItsBatchFinishUnchanged()
    {
        var expected = await EngineHarness.RunAloneAsync(EngineHarness.Generation("ok", 7, 6));
        await using var harness = new EngineHarness();
        harness.Denoiser.Gate.Reset();
        var blocker = harness.Engine.RunAsync(EngineHarness.Generation("blocker", 1, 6));
        await Poll.UntilAsync(() => harness.Denoiser.Entered >= 1, "the first forward starts");

        var failing = harness.Engine.RunAsync(EngineHarness.Inpainting("bad", 2, 6, source: [FakeImageCodec.FailsInComposite, 1, 2]));
        var ok = harness.Engine.RunAsync(EngineHarness.Generation("ok", 7, 6));
        harness.Denoiser.Gate.Set();

        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        Assert.Equal(expected, (await ok).Tokens);
        await blocker;
        await Poll.UntilAsync(() => harness.Engine.FreeSlots == harness.Engine.Capacity, "every slot is free again");
    }

    [Fact]
    public async Task FailingForward_FailsTheJobsInThatBatch_AndTheLoopServesLaterJobs()
    {
        await using var harness = new EngineHarness();
        harness.Denoiser.OnForward = call =>
        {
            if (call == 1)
            {
                throw new InvalidOperationException("device lost");
            }
        };

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Engine.RunAsync(EngineHarness.Generation("a", 1, 2)));
        var later = await harness.Engine.RunAsync(EngineHarness.Generation("b", 2, 2));

        Assert.Equal("device lost", failed.Message);
        Assert.Equal(EngineHarness.N, later.Tokens.Length);
    }

    [Fact]
    public async Task DisposeAsync_JobsStillRunningOrWaiting_AreCanceled()
    {
        var harness = new EngineHarness(maxBatch: 1);
        harness.Denoiser.Gate.Reset();
        var running = harness.Engine.RunAsync(EngineHarness.Generation("running", 1, 50));
        await Poll.UntilAsync(() => harness.Denoiser.Entered >= 1, "the first forward starts");
        var waiting = harness.Engine.RunAsync(EngineHarness.Generation("waiting", 2, 5));

        await harness.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => harness.Engine.RunAsync(EngineHarness.Generation("late", 3, 5)));
    }
}
