using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Pipeline.Contracts.Telemetry;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests;

/// <summary>
/// One trace per job (docs/operations.md, "Following one job's trace"): the Api's request, MassTransit's send, the W3C
/// trace context in the RabbitMQ message headers, and the worker's consume and job spans, collected by an in-memory
/// exporter listening to the same sources the hosts export.
/// </summary>
[Collection(RealServices.Name)]
public sealed class TraceFlowTests
{
    [ServiceFact]
    public async Task OneJob_ThroughApiRabbitMqAndWorker_WorkerSpansDescendFromTheApisSendSpan()
    {
        var spans = new LockedCollection<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(PipelineTelemetry.ActivitySourceName, "MassTransit", "Microsoft.AspNetCore")
            .AddInMemoryExporter(spans)
            .Build();
        await using var stack = await TestPipeline.StartAsync("trace");
        await stack.StartWorkerAsync();

        await stack.Client.SubmitAsync(TestJobs.Generation("trace-job-1", "interactive", steps: 4));
        var job = (await stack.Client.WaitForAllAsync(["trace-job-1"], TimeSpan.FromSeconds(60)))["trace-job-1"];
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        var traceId = job["traceId"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", traceId);

        List<Activity> Trace() => [.. spans.Snapshot().Where(s => s.TraceId.ToHexString() == traceId)];

        // A span is exported when it ends, and MassTransit's receive span ends last, after the job's outcome is recorded
        // and published: wait for every span the assertions look at.
        string[] workerSpans = [PipelineSpanNames.QueueWait, PipelineSpanNames.EngineJob, PipelineSpanNames.EngineSample, PipelineSpanNames.ResultStore];
        await Poll.UntilAsync(() =>
            {
                var trace = Trace();
                return workerSpans.All(name => trace.Any(s => s.OperationName == name))
                    && trace.Any(s => s.Kind == ActivityKind.Consumer && s.GetTagItem(PipelineSpanAttributes.JobId) is "trace-job-1")
                    && trace.Any(send => send.Kind == ActivityKind.Producer
                        && trace.Any(s => s.Kind == ActivityKind.Consumer && s.ParentSpanId == send.SpanId));
            },
            "the job's spans exported, from the Api's send to the worker's receive and the job's own", TimeSpan.FromSeconds(30));

        var trace = Trace();
        var request = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.DisplayName.StartsWith("POST", StringComparison.Ordinal));
        var send = Assert.Single(trace, s => s.Kind == ActivityKind.Producer && s.DisplayName.Contains("pipeline-jobs", StringComparison.Ordinal));
        Assert.Contains(request.SpanId, Ancestors(send, trace));

        // The worker's first span is MassTransit's, a direct child of the Api's send through the message headers.
        var received = trace.Where(s => s.Kind == ActivityKind.Consumer && s.ParentSpanId == send.SpanId).ToList();
        Assert.NotEmpty(received);
        var consume = Assert.Single(trace, s => s.Kind == ActivityKind.Consumer && s.GetTagItem(PipelineSpanAttributes.JobId) is "trace-job-1");
        Assert.Contains(send.SpanId, Ancestors(consume, trace));
        foreach (var name in workerSpans)
        {
            var span = Assert.Single(trace, s => s.OperationName == name);
            Assert.Contains(consume.SpanId, Ancestors(span, trace));
        }

        var sample = Assert.Single(trace, s => s.OperationName == PipelineSpanNames.EngineSample);
        var engineJob = Assert.Single(trace, s => s.OperationName == PipelineSpanNames.EngineJob);
        Assert.Equal(engineJob.SpanId, sample.ParentSpanId);
        Assert.Equal(4, sample.Events.Count(e => e.Name == PipelineSpanNames.SampleStepEvent));
        var wait = Assert.Single(trace, s => s.OperationName == PipelineSpanNames.QueueWait);
        Assert.True(wait.StartTimeUtc >= request.StartTimeUtc.AddMilliseconds(-1), "the broker wait starts at the submission");
    }

    /// <summary>The span ids above <paramref name="span"/> within <paramref name="trace"/>, nearest first.</summary>
    private static List<ActivitySpanId> Ancestors(Activity span, IReadOnlyCollection<Activity> trace)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        var ancestors = new List<ActivitySpanId>();
        for (var parent = span.ParentSpanId; parent != default; parent = byId.TryGetValue(parent, out var next) ? next.ParentSpanId : default)
        {
            ancestors.Add(parent);
        }

        return ancestors;
    }
}
