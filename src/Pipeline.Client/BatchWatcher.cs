namespace Pipeline.Client;

/// <summary>
/// Polls batches until they complete, reporting each change of their counts. A batch the API does not know yet (a
/// producer that submits through the queue records it a moment later) is waited for up to <see cref="NotFoundGrace"/>,
/// then watching fails with a 404 <see cref="PipelineApiException"/>. Waits run on the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class BatchWatcher(PipelineApiClient client, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Time between polls. Default 2 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a batch may be unknown to the API before watching fails. Default 1 minute; zero fails at once.</summary>
    public TimeSpan NotFoundGrace { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Watches <paramref name="batchId"/> until it completes and returns its final status.</summary>
    public async Task<BatchView> WatchAsync(string batchId, IProgress<BatchView>? progress = null, CancellationToken cancellationToken = default)
    {
        var all = await WatchAsync([batchId], progress is null ? null : new Forward(progress), cancellationToken).ConfigureAwait(false);
        return all[0];
    }

    /// <summary>
    /// Watches every batch of <paramref name="batchIds"/> until all have completed; reports the list of their latest
    /// statuses (in the order given) whenever one changed, and returns the final list.
    /// </summary>
    public async Task<IReadOnlyList<BatchView>> WatchAsync(IReadOnlyList<string> batchIds, IProgress<IReadOnlyList<BatchView>>? progress,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batchIds);
        ArgumentOutOfRangeException.ThrowIfZero(batchIds.Count);
        var started = _time.GetTimestamp();
        var latest = new BatchView?[batchIds.Count];
        while (true)
        {
            var changed = false;
            for (var i = 0; i < batchIds.Count; i++)
            {
                if (latest[i] is { IsCompleted: true })
                {
                    continue;
                }

                var status = await client.GetBatchAsync(batchIds[i], cancellationToken).ConfigureAwait(false);
                if (status is null)
                {
                    if (_time.GetElapsedTime(started) >= NotFoundGrace)
                    {
                        throw new PipelineApiException(System.Net.HttpStatusCode.NotFound,
                            $"batch {batchIds[i]} is unknown to the API at {client.BaseAddress}", null);
                    }

                    continue;
                }

                if (latest[i] is not { } last || !SameProgress(last, status))
                {
                    changed = true;
                }

                latest[i] = status;
            }

            if (latest.All(s => s is not null))
            {
                var statuses = latest.Select(s => s!).ToList();
                if (changed)
                {
                    progress?.Report(statuses);
                }

                if (statuses.All(s => s.IsCompleted))
                {
                    return statuses;
                }
            }

            await Task.Delay(Interval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool SameProgress(BatchView a, BatchView b) =>
        a.Status == b.Status && a.Counts == b.Counts && a.ExpectedJobs == b.ExpectedJobs;

    private sealed class Forward(IProgress<BatchView> inner) : IProgress<IReadOnlyList<BatchView>>
    {
        public void Report(IReadOnlyList<BatchView> value) => inner.Report(value[0]);
    }
}
