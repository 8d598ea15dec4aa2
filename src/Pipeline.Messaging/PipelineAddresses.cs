using Pipeline.Contracts;

namespace Pipeline.Messaging;

/// <summary>
/// Send addresses of the work queues. Producers send to the queue's <em>exchange</em> (MassTransit declares a fanout
/// exchange of the queue's name bound to it) rather than to <c>queue:name</c>: a <c>queue:</c> address makes the sender
/// declare the queue without <c>x-max-priority</c>, which RabbitMQ refuses once the workers declared it with one.
/// <see cref="PipelineTopology"/> declares the queues with the workers' arguments so nothing sent early is lost.
/// </summary>
public static class PipelineAddresses
{
    /// <summary><see cref="PipelineEndpoints.JobQueue"/>'s exchange.</summary>
    public static Uri Jobs { get; } = new($"exchange:{PipelineEndpoints.JobQueue}");

    /// <summary><see cref="PipelineEndpoints.CancelQueue"/>'s exchange.</summary>
    public static Uri Cancel { get; } = new($"exchange:{PipelineEndpoints.CancelQueue}");

    /// <summary><see cref="PipelineEndpoints.BatchQueue"/>'s exchange.</summary>
    public static Uri Batches { get; } = new($"exchange:{PipelineEndpoints.BatchQueue}");
}
