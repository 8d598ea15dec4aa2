using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Pipeline.Contracts;
using Pipeline.Contracts.Telemetry;
using Pipeline.Sampling;

namespace Pipeline.Engine.Tests;

/// <summary>The engine's metrics as a collector on the host's meter factory sees them (<see cref="EngineMetrics"/>).</summary>
public sealed class EngineMetricsTests : IDisposable
{
    private readonly TestMeterFactory _meters = new();

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task SlotGauges_WhileJobsHoldSlots_BusyCountsThemWithinTotal_AndFallBackToZero()
    {
        using var busy = new MetricCollector<int>(_meters, PipelineTelemetry.MeterName, PipelineMetricNames.EngineSlotsBusy);
        using var total = new MetricCollector<int>(_meters, PipelineTelemetry.MeterName, PipelineMetricNames.EngineSlotsTotal);
        await using var harness = new EngineHarness(maxBatch: 4, meters: _meters);
        harness.Denoiser.Gate.Reset();
        // The first forward lets the loop on and closes the gate behind it, so the second forward holds all three jobs.
        harness.Denoiser.OnForward = call =>
        {
            if (call == 1)
            {
                harness.Denoiser.Gate.Reset();
            }
        };

        var blocker = harness.Engine.RunAsync(EngineHarness.Generation("blocker", seed: 1, steps: 8, UnmaskOrder.Confidence));
        await Poll.UntilAsync(() => harness.Denoiser.Entered >= 1, "the first forward starts");
        Assert.Equal((1, 4), Observe(busy, total));

        var others = new[] { harness.Engine.RunAsync(EngineHarness.Generation("b", 2, 8)), harness.Engine.RunAsync(EngineHarness.Generation("c", 3, 8)) };
        harness.Denoiser.Gate.Set();
        await Poll.UntilAsync(() => harness.Denoiser.Entered >= 2, "the second forward starts");
        Assert.Equal((3, 4), Observe(busy, total));

        harness.Denoiser.OnForward = null;
        harness.Denoiser.Gate.Set();
        await Task.WhenAll([blocker, .. others]);
        Assert.Equal((0, 4), Observe(busy, total));
        Assert.Equal(EngineHarness.PackName, busy.LastMeasurement!.Tags[PipelineMetricTags.Pack]);
    }

    [Fact]
    public async Task ForwardRowsAndDuration_EveryBatchedForward_OneMeasurementWithItsRows()
    {
        using var rows = new MetricCollector<int>(_meters, PipelineTelemetry.MeterName, PipelineMetricNames.EngineForwardRows);
        using var duration = new MetricCollector<double>(_meters, PipelineTelemetry.MeterName, PipelineMetricNames.EngineForwardDuration);
        await using var harness = new EngineHarness(meters: _meters);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => harness.Engine.RunAsync(EngineHarness.Generation($"j{i}", i, 6, UnmaskOrder.Confidence))));

        Assert.Equal(harness.Denoiser.BatchSizes.Order(), rows.GetMeasurementSnapshot().Select(m => m.Value).Order());
        Assert.Equal(harness.Denoiser.Calls, duration.GetMeasurementSnapshot().Count);
        Assert.All(duration.GetMeasurementSnapshot(), m => Assert.True(m.Value >= 0));
        var tags = rows.LastMeasurement!.Tags;
        Assert.Equal((EngineHarness.PackName, "fp32", "cpu"),
            (tags[PipelineMetricTags.Pack], tags[PipelineMetricTags.Precision], tags[PipelineMetricTags.Provider]));
    }

    [Fact]
    public async Task StepsRequestedAndUsed_UnderBacklog_UsedIsWhatTheBudgetGaveByPriority()
    {
        using var requested = new MetricCollector<long>(_meters, PipelineTelemetry.MeterName, PipelineMetricNames.EngineStepsRequested);
        using var used = new MetricCollector<long>(_meters, PipelineTelemetry.MeterName, PipelineMetricNames.EngineStepsUsed);
        var budgets = new StepBudgetPolicy(
            interactive: new StepBudget(8, 4, 64, BacklogAtMinimum: 0),
            standard: new StepBudget(8, 4, 64, BacklogAtMinimum: 100),
            bulk: new StepBudget(12, 2, 64, BacklogAtMinimum: 10));
        await using var harness = new EngineHarness(budgets: budgets, meters: _meters);
        harness.Engine.ReportBacklog(50);

        var bulk = await harness.Engine.RunAsync(EngineHarness.Generation("b", 1, 20, priority: PriorityClass.Bulk));
        var interactive = await harness.Engine.RunAsync(EngineHarness.Generation("i", 1, 20, priority: PriorityClass.Interactive));

        Assert.Equal((20L, 2L), (Sum(requested, JobPriorities.Bulk), Sum(used, JobPriorities.Bulk)));
        Assert.Equal((20L, 20L), (Sum(requested, JobPriorities.Interactive), Sum(used, JobPriorities.Interactive)));
        Assert.Equal(bulk.Metadata.StepsUsed, Sum(used, JobPriorities.Bulk));
        Assert.Equal(interactive.Metadata.StepsUsed, Sum(used, JobPriorities.Interactive));
    }

    [Fact]
    public async Task StepsSkipped_ReferenceOrderWithMoreStepsThanTokens_CountsEveryStepWithoutAForward()
    {
        using var skipped = new MetricCollector<long>(_meters, PipelineTelemetry.MeterName, PipelineMetricNames.EngineStepsSkipped);
        await using var harness = new EngineHarness(meters: _meters);

        var result = await harness.Engine.RunAsync(EngineHarness.Generation("g", seed: 5, steps: 64));

        Assert.True(result.Metadata.ForwardPasses < 64, "the reference order on 16 tokens leaves steps empty");
        Assert.Equal(64 - result.Metadata.ForwardPasses, skipped.GetMeasurementSnapshot().Sum(m => m.Value));
    }

    [Fact]
    public async Task NoMeterFactory_EngineRunsAndPublishesNothing()
    {
        using var rows = new MetricCollector<int>(_meters, PipelineTelemetry.MeterName, PipelineMetricNames.EngineForwardRows);
        await using var harness = new EngineHarness();

        await harness.Engine.RunAsync(EngineHarness.Generation("g", seed: 1, steps: 4));

        Assert.Empty(rows.GetMeasurementSnapshot());
    }

    private static (int Busy, int Total) Observe(MetricCollector<int> busy, MetricCollector<int> total)
    {
        busy.RecordObservableInstruments();
        total.RecordObservableInstruments();
        return (busy.LastMeasurement!.Value, total.LastMeasurement!.Value);
    }

    private static long Sum(MetricCollector<long> collector, string priority) => collector.GetMeasurementSnapshot()
        .Where(m => Equals(m.Tags[PipelineMetricTags.Priority], priority)).Sum(m => m.Value);
}
