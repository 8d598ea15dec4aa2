namespace Pipeline.Contracts.Telemetry;

/// <summary>
/// Instrument names of the <see cref="PipelineTelemetry.MeterName"/> meter, as OpenTelemetry names them. The Prometheus
/// exporter turns each into the name in the comment (dots to underscores, the unit <c>s</c> as <c>_seconds</c>, counters
/// ending in <c>_total</c>, units in braces dropped): those names are what docs/operations.md ("Metrics"),
/// deploy/prometheus/alerts.yml, the Grafana dashboard and the KEDA trigger query, so a change here is a change there.
/// </summary>
public static class PipelineMetricNames
{
    /// <summary><c>pipeline_jobs_submitted_total</c>: jobs recorded and sent to the job queue (pack, kind, priority).</summary>
    public const string JobsSubmitted = "pipeline.jobs.submitted";

    /// <summary><c>pipeline_jobs_finished_total</c>: jobs that ended (pack, kind, priority, precision, provider, outcome).</summary>
    public const string JobsFinished = "pipeline.jobs.finished";

    /// <summary><c>pipeline_job_queue_wait_seconds</c>: submission until the engine gave the job a slot (pack, priority).</summary>
    public const string JobQueueWait = "pipeline.job.queue_wait";

    /// <summary><c>pipeline_job_duration_seconds</c>: submission until the result was stored (pack, kind, priority).</summary>
    public const string JobDuration = "pipeline.job.duration";

    /// <summary><c>pipeline_engine_slots_busy</c>: engine slots holding a job (pack).</summary>
    public const string EngineSlotsBusy = "pipeline.engine.slots.busy";

    /// <summary><c>pipeline_engine_slots_total</c>: engine slots (pack).</summary>
    public const string EngineSlotsTotal = "pipeline.engine.slots.total";

    /// <summary><c>pipeline_engine_forward_rows</c>: rows in one batched denoiser forward (pack, precision, provider).</summary>
    public const string EngineForwardRows = "pipeline.engine.forward.rows";

    /// <summary><c>pipeline_engine_forward_duration_seconds</c>: time of one batched denoiser forward (pack, precision, provider).</summary>
    public const string EngineForwardDuration = "pipeline.engine.forward.duration";

    /// <summary><c>pipeline_engine_steps_requested_total</c>: sampling steps jobs asked for (pack, priority).</summary>
    public const string EngineStepsRequested = "pipeline.engine.steps.requested";

    /// <summary><c>pipeline_engine_steps_used_total</c>: sampling steps jobs got after budget degradation (pack, priority).</summary>
    public const string EngineStepsUsed = "pipeline.engine.steps.used";

    /// <summary><c>pipeline_engine_steps_skipped_total</c>: job steps that unmasked nothing and ran no forward (pack).</summary>
    public const string EngineStepsSkipped = "pipeline.engine.steps.skipped";

    /// <summary><c>pipeline_model_load_duration_seconds</c>: time to load a model pack (pack, precision, provider).</summary>
    public const string ModelLoadDuration = "pipeline.model.load.duration";

    /// <summary><c>pipeline_storage_retries_total</c>: retries of the job, result and input stores (operation).</summary>
    public const string StorageRetries = "pipeline.storage.retries";

    /// <summary><c>pipeline_webhook_deliveries_total</c>: webhook attempts by outcome (delivered, retried, failed).</summary>
    public const string WebhookDeliveries = "pipeline.webhook.deliveries";

    /// <summary><c>pipeline_queue_messages</c>: ready messages the worker sees in a queue (queue).</summary>
    public const string QueueMessages = "pipeline.queue.messages";

    /// <summary><c>pipeline_queue_consumers</c>: consumers attached to a queue (queue).</summary>
    public const string QueueConsumers = "pipeline.queue.consumers";

    /// <summary><c>pipeline_worker_info</c>: always 1, one series per worker (worker_id, host, provider, precision, version).</summary>
    public const string WorkerInfo = "pipeline.worker.info";
}
