using System.Collections.Concurrent;
using System.Diagnostics;
using Pipeline.Contracts;
using Pipeline.Contracts.Telemetry;

namespace Pipeline.Engine.Tests;

/// <summary>
/// The job's spans made from the loop's timestamps (<see cref="JobTrace"/>): children of the span current at RunAsync,
/// with explicit times in order and one event per step carrying its batch rows.
/// </summary>
public sealed class EngineTracingTests : IDisposable
{
    private const string CallerName = "Pipeline.Engine.Tests.Caller";
    private static readonly ActivitySource Caller = new(CallerName);
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public EngineTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is PipelineTelemetry.ActivitySourceName or CallerName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task RunAsync_UnderACallerSpan_JobSpanIsItsChild_StageSpansAreTheJobSpansChildrenInOrder()
    {
        await using var harness = new EngineHarness();
        ActivityTraceId trace;
        EngineResult result;
        using (var consume = Caller.StartActivity("consume")!)
        {
            trace = consume.TraceId;
            result = await harness.Engine.RunAsync(EngineHarness.Variation("v", seed: 3, steps: 5, strength: 0.5f));
        }

        var spans = _stopped.Where(a => a.TraceId == trace).ToList();
        var root = spans.Single(a => a.OperationName == "consume");
        var job = spans.Single(a => a.OperationName == PipelineSpanNames.EngineJob);
        Assert.Equal(root.SpanId, job.ParentSpanId);
        Assert.Equal("v", job.GetTagItem(PipelineSpanAttributes.JobId));
        Assert.Equal(5, job.GetTagItem(PipelineSpanAttributes.StepsUsed));
        string[] stages = [PipelineSpanNames.EnginePrepare, PipelineSpanNames.EngineSlotWait, PipelineSpanNames.EngineEncode,
            PipelineSpanNames.EngineSample, PipelineSpanNames.EngineDecode];
        var children = stages.Select(name => spans.Single(a => a.OperationName == name)).ToList();
        Assert.All(children, child => Assert.Equal(job.SpanId, child.ParentSpanId));
        Assert.All(children, child => Assert.InRange(child.StartTimeUtc, job.StartTimeUtc, job.StartTimeUtc + job.Duration));
        Assert.Equal(children.Select(c => c.StartTimeUtc).Order(), children.Select(c => c.StartTimeUtc));

        var steps = children[3].Events.Where(e => e.Name == PipelineSpanNames.SampleStepEvent).ToList();
        Assert.Equal(result.Metadata.StepsUsed, steps.Count);
        Assert.Equal(Enumerable.Range(1, steps.Count), steps.Select(e => (int)e.Tags.Single(t => t.Key == PipelineSpanAttributes.Step).Value!));
        // Alone in the engine: a step's forward has one row (this job's), or none when the step unmasks nothing.
        var rows = steps.Select(e => (int)e.Tags.Single(t => t.Key == PipelineSpanAttributes.BatchRows).Value!).ToList();
        Assert.All(rows, r => Assert.InRange(r, 0, 1));
        Assert.Equal(result.Metadata.ForwardPasses, rows.Sum());
        Assert.Equal(result.Metadata.ForwardPasses, children[3].GetTagItem(PipelineSpanAttributes.Forwards));
    }

    [Fact]
    public async Task RunAsync_InvalidJob_JobSpanEndsWithErrorStatus()
    {
        await using var harness = new EngineHarness();
        ActivityTraceId trace;
        using (var consume = Caller.StartActivity("consume")!)
        {
            trace = consume.TraceId;
            await Assert.ThrowsAsync<InvalidJobException>(() => harness.Engine.RunAsync(EngineHarness.Generation("bad", 1, steps: 0) with
            {
                Kind = JobKind.Variation,
            }));
        }

        var job = _stopped.Single(a => a.TraceId == trace && a.OperationName == PipelineSpanNames.EngineJob);
        Assert.Equal(ActivityStatusCode.Error, job.Status);
    }
}
