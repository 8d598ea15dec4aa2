namespace Pipeline.Contracts;

/// <summary>
/// RabbitMQ names shared by the hosts and by non-MassTransit producers (schemas/README.md shows how to publish).
/// </summary>
public static class PipelineEndpoints
{
    /// <summary>
    /// The workers' job queue: a classic queue with <c>x-max-priority</c> = <see cref="JobPriorities.MaxAmqpPriority"/>
    /// that receives <see cref="SubmitJob"/> as MassTransit envelopes or as raw JSON (content type <c>application/json</c>).
    /// </summary>
    public const string JobQueue = "pipeline-jobs";

    /// <summary>The queue that receives <see cref="SubmitBatch"/> (envelope or raw JSON) and fans batches out into jobs.</summary>
    public const string BatchQueue = "pipeline-batches";

    /// <summary>The queue that receives <see cref="CancelJob"/> (envelope or raw JSON) and records cancellations.</summary>
    public const string CancelQueue = "pipeline-cancel";

    /// <summary>Content type of raw (un-enveloped) JSON messages.</summary>
    public const string RawJsonContentType = "application/json";

    /// <summary>Content type of MassTransit's envelope.</summary>
    public const string EnvelopeContentType = "application/vnd.masstransit+json";
}
