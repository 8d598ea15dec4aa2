namespace Pipeline.Client;

/// <summary>
/// Polls a batch until it completes, reporting each change of its counts. A batch the API does not know yet (the
/// submission is still on its way through the queue) is waited for up to <see cref="NotFoundGrace"/>. Waits run on
/// the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class BatchWatcher(PipelineApiClient client, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Time between polls. Default 2 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a batch may be unknown to the API before watching fails. Default 1 minute.</summary>
    public TimeSpan NotFoundGrace { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Watches <paramref name="batchId"/> until it completes and returns its final status.</summary>
    public async Task<BatchStatus> WatchAsync(string batchId, IProgress<BatchStatus>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        BatchStatus? last = null;
        while (true)
        {
            var status = await client.GetBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
            if (status is null)
            {
                if (_time.GetElapsedTime(started) > NotFoundGrace)
                {
                    throw new PipelineApiException(System.Net.HttpStatusCode.NotFound, $"batch {batchId} is unknown to the API", null);
                }
            }
            else
            {
                if (last is null || !SameProgress(last, status))
                {
                    progress?.Report(status);
                    last = status;
                }

                if (status.IsCompleted)
                {
                    return status;
                }
            }

            await Task.Delay(Interval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool SameProgress(BatchStatus a, BatchStatus b) =>
        a.Status == b.Status && a.Queued == b.Queued && a.Running == b.Running && a.Succeeded == b.Succeeded
        && a.Failed == b.Failed && a.Canceled == b.Canceled && a.ExpectedJobs == b.ExpectedJobs;
}
