namespace Pipeline.Contracts.Telemetry;

/// <summary>
/// Names of the spans of the <see cref="PipelineTelemetry.ActivitySourceName"/> source: a job's work on a worker, under
/// the MassTransit consume span of its message (docs/operations.md, "Following one job's trace").
/// </summary>
public static class PipelineSpanNames
{
    /// <summary>Worker: from the job's submission until the worker received its message (explicit times).</summary>
    public const string QueueWait = "pipeline.job.queue_wait";

    /// <summary>Engine: the job inside the engine, from <c>RunAsync</c> until its PNG is made; the parent of the engine spans below.</summary>
    public const string EngineJob = "pipeline.engine.job";

    /// <summary>Engine: checking the job and decoding its input images, on the caller's thread.</summary>
    public const string EnginePrepare = "pipeline.engine.prepare";

    /// <summary>Engine: waiting inside the engine for a free slot.</summary>
    public const string EngineSlotWait = "pipeline.engine.slot_wait";

    /// <summary>Engine: the batched VQ encode of the job's source image (variation and inpainting).</summary>
    public const string EngineEncode = "pipeline.engine.encode";

    /// <summary>Engine: the sampling iterations, one <see cref="SampleStepEvent"/> event per step with its batch rows.</summary>
    public const string EngineSample = "pipeline.engine.sample";

    /// <summary>Engine: the batched VQ decode and the PNG (compositing for inpainting).</summary>
    public const string EngineDecode = "pipeline.engine.decode";

    /// <summary>The event on <see cref="EngineSample"/> for one sampling step.</summary>
    public const string SampleStepEvent = "step";

    /// <summary>Worker: writing the result files (PNG, tokens, metadata) to the result store.</summary>
    public const string ResultStore = "pipeline.result.store";

    /// <summary>Worker: one webhook delivery with its retries, under the span that queued it.</summary>
    public const string WebhookDeliver = "pipeline.webhook.deliver";
}
