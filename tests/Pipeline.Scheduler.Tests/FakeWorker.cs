using System.Text.Json;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Results;

namespace Pipeline.Scheduler.Tests;

/// <summary>
/// Stands in for the worker's batch fan-out and engine: records the batch and its jobs in the real job store,
/// stores a small PNG and metadata for each job in the real result store (failing the jobs listed in
/// <see cref="FailJobIds"/>), completes the batch in the job store and — unless <see cref="PublishCompletion"/>
/// is off — publishes <see cref="BatchCompleted"/> as the worker whose job ended last would.
/// </summary>
internal sealed class FakeWorker(IJobStore jobs, IResultStore results, FakeWorkerSettings settings) : IConsumer<SubmitBatch>
{
    /// <summary>The lease holder id the fake runs its jobs under, as a worker does.</summary>
    private const string LeaseHolder = "fake-worker";

    public async Task Consume(ConsumeContext<SubmitBatch> context)
    {
        var batch = context.Message;
        settings.Received.Add(batch);
        await jobs.InsertBatchAsync(new NewBatch { BatchId = batch.BatchId, ExpectedJobs = batch.Jobs.Count });
        for (var i = 0; i < batch.Jobs.Count; i++)
        {
            var job = batch.Jobs[i];
            await jobs.InsertAsync(NewJob.From(job));
            await jobs.TryLeaseAsync(job.JobId, LeaseHolder, TimeSpan.FromMinutes(1));
            if (settings.FailJobIds.Contains(job.JobId))
            {
                await jobs.MarkFailedAsync(job.JobId, new JobFailure("image_undecodable", "fake failure", false));
                continue;
            }

            var png = PngWriter.Encode(RgbImage.Filled(8, 8, (byte)(i * 7), 100, 200));
            var metadata = JsonSerializer.SerializeToUtf8Bytes(new
            {
                jobId = job.JobId,
                kind = job.Kind,
                modelPack = "emoji-32",
                modelVersion = "1.2.0",
                seed = job.Seed,
                priority = job.Priority,
                stepsRequested = job.Steps ?? 64,
                stepsUsed = 24,
                order = "reference",
            });
            var write = await results.WriteAsync(job.JobId, new ResultFiles(png, new long[] { 1, 2, 3 }, metadata));
            await jobs.MarkSucceededAsync(job.JobId, LeaseHolder, new JobSuccess(write.Keys.ResultKey, 24));
            await jobs.MarkAnnouncedAsync(job.JobId, LeaseHolder);
        }

        var completed = await jobs.TryCompleteBatchAsync(batch.BatchId);
        if (completed is not null && settings.PublishCompletion)
        {
            await context.Publish(new BatchCompleted
            {
                BatchId = batch.BatchId,
                Total = completed.Counts.Total,
                Succeeded = completed.Counts.Succeeded,
                Failed = completed.Counts.Failed,
                Canceled = completed.Counts.Canceled,
                CompletedAt = DateTimeOffset.UtcNow,
            });
        }
    }
}

internal sealed class FakeWorkerSettings
{
    public HashSet<string> FailJobIds { get; } = new(StringComparer.Ordinal);

    public bool PublishCompletion { get; set; } = true;

    public System.Collections.Concurrent.ConcurrentBag<SubmitBatch> Received { get; } = [];
}
