using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Scheduler.Hosting;
using Pipeline.Scheduler.Runs;
using Pipeline.Scheduler.Schedules;
using Pipeline.Storage.Results;

namespace Pipeline.Scheduler.Datasets;

/// <summary>
/// Writes a completed run's dataset to <c>&lt;OutputRoot&gt;/&lt;schedule id&gt;/&lt;period&gt;/</c>: <c>images/&lt;jobId&gt;.png</c>,
/// <c>manifest.jsonl</c> (one <see cref="DatasetEntry"/> per image, in plan order) and <c>dataset.json</c>
/// (<see cref="DatasetSummary"/>). Everything is written into a staging folder beside the final one, fsynced, and
/// renamed into place in one step, so a reader sees the whole dataset or none; if the final folder exists (another
/// replica, or the reconciler, got there first) the staging copy is discarded. Jobs without a result (failed,
/// canceled) are listed in the summary, not the manifest. Safe to call repeatedly for one batch.
/// </summary>
public sealed partial class DatasetWriter(
    IScheduleStore store,
    IResultStore results,
    IOptions<SchedulerOptions> options,
    TimeProvider timeProvider,
    ILogger<DatasetWriter> logger)
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "manifest.jsonl";

    /// <summary>The summary's file name.</summary>
    public const string SummaryFileName = "dataset.json";

    /// <summary>The images' folder name.</summary>
    public const string ImagesFolder = "images";

    /// <summary>
    /// Writes the dataset of the run that submitted <paramref name="batchId"/> and marks the run completed. False
    /// when the batch is not a scheduler run, its run was already completed, or it was never planned.
    /// </summary>
    public async Task<bool> CompleteAsync(string batchId, CancellationToken cancellationToken = default)
    {
        var run = await store.GetRunByBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.Status is not (RunStatuses.Claimed or RunStatuses.Submitted))
        {
            return false; // not ours, already written, or never planned (requested, failed): no jobs to collect
        }

        var folder = DatasetFolder(run);
        var images = Directory.Exists(folder)
            ? File.ReadLines(Path.Join(folder, ManifestFileName)).Count(line => line.Length > 0)
            : await WriteAsync(run, folder, cancellationToken).ConfigureAwait(false);
        var completed = await store.MarkCompletedAsync(batchId, folder, images, cancellationToken).ConfigureAwait(false);
        if (completed)
        {
            LogWritten(run.ScheduleId, run.BatchId, images, run.Plan.Jobs.Count, folder);
        }

        return completed;
    }

    /// <summary>Where a run's dataset goes.</summary>
    public string DatasetFolder(AugmentationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Path.Join(Path.GetFullPath(options.Value.OutputRoot), run.ScheduleId, AugmentationPlanner.PeriodStamp(run.PeriodStart));
    }

    private async Task<int> WriteAsync(AugmentationRun run, string folder, CancellationToken cancellationToken)
    {
        var parent = Path.GetDirectoryName(folder)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Join(parent, $".staging-{Path.GetFileName(folder)}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Join(staging, ImagesFolder));
        try
        {
            var entries = new List<DatasetEntry>();
            var missing = new List<string>();
            foreach (var job in run.Plan.Jobs)
            {
                var result = await results.ReadAsync(job.JobId, cancellationToken).ConfigureAwait(false);
                if (result is null)
                {
                    missing.Add(job.JobId);
                    continue;
                }

                var file = $"{ImagesFolder}/{job.JobId}.png";
                await WriteDurablyAsync(Path.Join(staging, file), result.Png, cancellationToken).ConfigureAwait(false);
                entries.Add(Entry(run, job, file, result));
            }

            var manifest = new StringBuilder();
            foreach (var entry in entries)
            {
                manifest.Append(JsonSerializer.Serialize(entry, ContractJson.Options)).Append('\n');
            }

            await WriteDurablyAsync(Path.Join(staging, ManifestFileName), Encoding.UTF8.GetBytes(manifest.ToString()), cancellationToken).ConfigureAwait(false);
            var summary = new DatasetSummary
            {
                ScheduleId = run.ScheduleId,
                PeriodStart = run.PeriodStart,
                BatchId = run.BatchId,
                Jobs = run.Plan.Jobs.Count,
                Images = entries.Count,
                MissingJobIds = missing,
                WrittenAt = timeProvider.GetUtcNow(),
            };
            await WriteDurablyAsync(Path.Join(staging, SummaryFileName), JsonSerializer.SerializeToUtf8Bytes(summary, ContractJson.Options), cancellationToken)
                .ConfigureAwait(false);

            try
            {
                Directory.Move(staging, folder);
            }
            catch (IOException) when (Directory.Exists(folder))
            {
                // Someone else wrote it first; theirs is the same plan over the same stored results.
                return File.ReadLines(Path.Join(folder, ManifestFileName)).Count(line => line.Length > 0);
            }

            return entries.Count;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    private static DatasetEntry Entry(AugmentationRun run, PlannedJob job, string file, StoredResult result)
    {
        using var metadata = JsonDocument.Parse(result.MetadataJson);
        var root = metadata.RootElement;
        return new DatasetEntry
        {
            File = file,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(result.Png)),
            JobId = job.JobId,
            Source = job.Source,
            SourceKey = job.SourceKey,
            Kind = job.Kind,
            Seed = Long(root, "seed") ?? job.Seed,
            Strength = job.Strength,
            Mask = job.Mask,
            StepsRequested = Int(root, "stepsRequested") ?? run.Plan.Steps,
            StepsUsed = Int(root, "stepsUsed") ?? throw new InvalidDataException($"result metadata of {job.JobId} has no stepsUsed"),
            ModelPack = Text(root, "modelPack") ?? throw new InvalidDataException($"result metadata of {job.JobId} has no modelPack"),
            ModelVersion = Text(root, "modelVersion") ?? throw new InvalidDataException($"result metadata of {job.JobId} has no modelVersion"),
            DenoiserPrecision = Text(root, "denoiserPrecision"),
            Order = Text(root, "order"),
            ScheduleId = run.ScheduleId,
            PeriodStart = run.PeriodStart,
            BatchId = run.BatchId,
        };
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    private static long? Long(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static async Task WriteDurablyAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId} batch {BatchId}: dataset of {Images}/{Jobs} images written to {Folder}")]
    private partial void LogWritten(string scheduleId, string batchId, int images, int jobs, string folder);
}
