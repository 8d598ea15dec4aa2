using Microsoft.Extensions.Time.Testing;
using Pipeline.Contracts;
using Pipeline.Sampling;

namespace Pipeline.Engine.Tests;

public class StepBudgetTests
{
    private static readonly StepBudgetPolicy Budgets = new(
        interactive: new StepBudget(8, 4, 64, BacklogAtMinimum: 0),
        standard: new StepBudget(8, 4, 64, BacklogAtMinimum: 100),
        bulk: new StepBudget(12, 2, 64, BacklogAtMinimum: 10));

    [Fact]
    public async Task RunAsync_ReportedBacklog_BulkDegradesToMinimumInteractiveKeepsRequestedSteps()
    {
        await using var harness = new EngineHarness(budgets: Budgets);
        harness.Engine.ReportBacklog(50);

        var bulk = await harness.Engine.RunAsync(EngineHarness.Generation("b", 1, 20, priority: PriorityClass.Bulk));
        var standard = await harness.Engine.RunAsync(EngineHarness.Generation("s", 1, 20, priority: PriorityClass.Standard));
        var interactive = await harness.Engine.RunAsync(EngineHarness.Generation("i", 1, 20, priority: PriorityClass.Interactive));

        Assert.Equal((20, 2), (bulk.Metadata.StepsRequested, bulk.Metadata.StepsUsed));
        Assert.Equal((20, 12), (standard.Metadata.StepsRequested, standard.Metadata.StepsUsed)); // 20 − ⌊16 · 50/100⌋
        Assert.Equal((20, 20), (interactive.Metadata.StepsRequested, interactive.Metadata.StepsUsed));
        Assert.All([bulk, standard, interactive], r => Assert.All(r.Tokens, t => Assert.InRange(t, 0, EngineHarness.CodebookSize - 1)));
    }

    [Fact]
    public async Task RunAsync_NoStepsNoBacklog_UsesClassDefault()
    {
        await using var harness = new EngineHarness(budgets: Budgets);

        var result = await harness.Engine.RunAsync(EngineHarness.Generation("b", 1, 1, priority: PriorityClass.Bulk) with { Steps = null });

        Assert.Equal((12, 12), (result.Metadata.StepsRequested, result.Metadata.StepsUsed));
    }

    [Fact]
    public async Task RunAsync_JobsWaitingInsideTheEngine_CountAsBacklog()
    {
        await using var harness = new EngineHarness(maxBatch: 1, budgets: Budgets);
        harness.Denoiser.Gate.Reset();
        var blocker = harness.Engine.RunAsync(EngineHarness.Generation("blocker", 1, 2, priority: PriorityClass.Interactive));
        await Poll.UntilAsync(() => harness.Denoiser.Entered >= 1, "the first forward starts");
        var bulk = Enumerable.Range(0, 11)
            .Select(i => harness.Engine.RunAsync(EngineHarness.Generation($"b{i}", i, 12, priority: PriorityClass.Bulk))).ToArray();
        harness.Denoiser.Gate.Set();

        var results = await Task.WhenAll(bulk);
        await blocker;

        // The first bulk job is admitted while ten others still wait: full pressure, the class minimum.
        Assert.Equal(2, results[0].Metadata.StepsUsed);
        Assert.Equal(12, results[^1].Metadata.StepsUsed);
    }

    [Fact]
    public async Task Timings_FromInjectedTimeProvider_MeasureSamplingAndQueueing()
    {
        var time = new FakeTimeProvider();
        await using var harness = new EngineHarness(time: time);
        harness.Denoiser.OnForward = _ => time.Advance(TimeSpan.FromMilliseconds(10));

        var result = await harness.Engine.RunAsync(EngineHarness.Generation("g", 1, 4, UnmaskOrder.ExactK));

        Assert.Equal(4, result.Metadata.ForwardPasses);
        Assert.Equal(40, result.Metadata.Timings.SampleMs, precision: 6);
        Assert.Equal(40, result.Metadata.Timings.TotalMs, precision: 6);
        Assert.Equal(0, result.Metadata.Timings.QueuedMs, precision: 6);
    }
}
