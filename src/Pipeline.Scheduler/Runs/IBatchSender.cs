using Pipeline.Contracts;

namespace Pipeline.Scheduler.Runs;

/// <summary>Sends a batch to the workers. The host's implementation sends <see cref="SubmitBatch"/> to <see cref="PipelineEndpoints.BatchQueue"/>.</summary>
public interface IBatchSender
{
    /// <summary>Sends <paramref name="batch"/>; safe to repeat (the batch id is the idempotency key downstream).</summary>
    Task SendAsync(SubmitBatch batch, CancellationToken cancellationToken = default);
}
