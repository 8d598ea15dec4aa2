namespace Pipeline.Contracts.Telemetry;

/// <summary>Attribute (tag) names on the <see cref="PipelineSpanNames"/> spans and their events.</summary>
public static class PipelineSpanAttributes
{
    /// <summary>The job id (a span attribute, never a metric label).</summary>
    public const string JobId = "pipeline.job.id";

    /// <summary>The job kind.</summary>
    public const string JobKind = "pipeline.job.kind";

    /// <summary>The job's priority class.</summary>
    public const string JobPriority = "pipeline.job.priority";

    /// <summary>The model pack that runs the job.</summary>
    public const string Pack = "pipeline.pack";

    /// <summary>Steps the job asked for (or its class default).</summary>
    public const string StepsRequested = "pipeline.steps.requested";

    /// <summary>Steps it runs after budget degradation.</summary>
    public const string StepsUsed = "pipeline.steps.used";

    /// <summary>On a step event: the step number, from 1.</summary>
    public const string Step = "pipeline.step";

    /// <summary>On a step event: rows of that iteration's batched forward (0: the step ran none). On encode/decode spans: the batch.</summary>
    public const string BatchRows = "pipeline.batch.rows";

    /// <summary>On the sample span: forwards the job took part in.</summary>
    public const string Forwards = "pipeline.forwards";

    /// <summary>On the sample span: mean rows of those forwards (how well the job was batched).</summary>
    public const string MeanBatchRows = "pipeline.batch.rows_mean";

    /// <summary>On the engine's job span: true when the job was canceled (not an error).</summary>
    public const string Canceled = "pipeline.canceled";

    /// <summary>The webhook event type.</summary>
    public const string WebhookEventType = "pipeline.webhook.event_type";

    /// <summary>Attempts one webhook delivery took.</summary>
    public const string WebhookAttempts = "pipeline.webhook.attempts";
}
