using MassTransit;
using Pipeline.Contracts;

namespace Pipeline.Scheduler.Runs;

/// <summary>
/// Sends <see cref="SubmitBatch"/> to the workers' batch queue over the bus. Uses <see cref="IBus"/> (a singleton)
/// rather than the scoped send-endpoint provider: triggers run in Hangfire jobs, outside any consume scope.
/// </summary>
internal sealed class MassTransitBatchSender(IBus bus) : IBatchSender
{
    private static readonly Uri BatchQueue = new($"queue:{PipelineEndpoints.BatchQueue}");

    public async Task SendAsync(SubmitBatch batch, CancellationToken cancellationToken = default)
    {
        var endpoint = await bus.GetSendEndpoint(BatchQueue).ConfigureAwait(false);
        await endpoint.Send(batch, cancellationToken).ConfigureAwait(false);
    }
}
