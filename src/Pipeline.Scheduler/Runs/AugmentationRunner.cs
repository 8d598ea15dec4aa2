using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Imaging;
using Pipeline.Scheduler.Hosting;
using Pipeline.Scheduler.Schedules;
using Pipeline.Storage;
using Pipeline.Storage.Inputs;

namespace Pipeline.Scheduler.Runs;

/// <summary>
/// Triggers a schedule for a period: lists and uploads its source images, plans the jobs, claims the run in the
/// database (the unique (schedule, period) key makes a second trigger a no-op), then sends ONE batch. The claim
/// is stored before the send, so a crash between the two leaves a <c>claimed</c> run that the next trigger or the
/// reconciler resends (after <see cref="ClaimGrace"/>) with the identical plan; the batch id makes that resend
/// harmless downstream.
/// </summary>
public sealed partial class AugmentationRunner(
    IScheduleStore store,
    IInputStore inputs,
    IBatchSender sender,
    IOptions<SchedulerOptions> options,
    TimeProvider timeProvider,
    ILogger<AugmentationRunner> logger)
{
    /// <summary>
    /// Triggers <paramref name="scheduleId"/> for the period holding <paramref name="periodStart"/> (null: now).
    /// Returns whether this call made the run, and the run.
    /// </summary>
    public async Task<TriggerResult> TriggerAsync(string scheduleId, DateTimeOffset? periodStart = null, CancellationToken cancellationToken = default)
    {
        var schedule = await store.GetAsync(scheduleId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"schedule {scheduleId} does not exist");
        var period = SchedulePeriods.PeriodStart(schedule, periodStart ?? timeProvider.GetUtcNow());

        var existing = await store.GetRunAsync(scheduleId, period, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return await ExistingAsync(existing, cancellationToken).ConfigureAwait(false);
        }

        var images = await PrepareImagesAsync(schedule, cancellationToken).ConfigureAwait(false);
        var plan = AugmentationPlanner.Plan(schedule, period, images);
        var (created, run) = await store.TryClaimRunAsync(new AugmentationRun
        {
            ScheduleId = scheduleId,
            PeriodStart = period,
            BatchId = AugmentationPlanner.BatchId(scheduleId, period),
            Status = RunStatuses.Claimed,
            Plan = plan,
            CreatedAt = timeProvider.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
        if (!created)
        {
            return await ExistingAsync(run, cancellationToken).ConfigureAwait(false);
        }

        await SubmitAsync(run, cancellationToken).ConfigureAwait(false);
        LogSubmitted(scheduleId, period, run.BatchId, plan.Jobs.Count);
        return new TriggerResult(true, run with { Status = RunStatuses.Submitted });
    }

    /// <summary>Sends a claimed run's batch (again) and marks it submitted.</summary>
    public async Task SubmitAsync(AugmentationRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await sender.SendAsync(AugmentationPlanner.ToBatch(run.BatchId, run.Plan, run.CreatedAt), cancellationToken).ConfigureAwait(false);
        await store.MarkSubmittedAsync(run.BatchId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How long a run may stay <c>claimed</c> before it counts as abandoned (a crash between claim and send) and is
    /// resent. A younger claim belongs to a trigger still in progress: resending it would put the same batch on the
    /// queue twice.
    /// </summary>
    public static readonly TimeSpan ClaimGrace = TimeSpan.FromMinutes(5);

    /// <summary>True when <paramref name="run"/> was claimed and its trigger evidently died before sending.</summary>
    public bool IsAbandoned(AugmentationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Status == RunStatuses.Claimed && timeProvider.GetUtcNow() - run.CreatedAt > ClaimGrace;
    }

    private async Task<TriggerResult> ExistingAsync(AugmentationRun run, CancellationToken cancellationToken)
    {
        if (IsAbandoned(run))
        {
            await SubmitAsync(run, cancellationToken).ConfigureAwait(false); // a crash after the claim: finish it
        }

        LogDuplicate(run.ScheduleId, run.PeriodStart, run.BatchId);
        return new TriggerResult(false, run);
    }

    private async Task<IReadOnlyList<AugmentationPlanner.SourceImage>> PrepareImagesAsync(AugmentationSchedule schedule, CancellationToken cancellationToken)
    {
        var prepared = new List<AugmentationPlanner.SourceImage>();
        foreach (var (relative, fullPath) in SourceImages.List(options.Value.SourceRoot, schedule.Source))
        {
            var bytes = await File.ReadAllBytesAsync(fullPath, cancellationToken).ConfigureAwait(false);
            RgbImage image;
            try
            {
                image = ImageReader.Read(bytes); // guarded decode: size caps before pixels
            }
            catch (ImageInputException e)
            {
                LogSkippedImage(schedule.Id, relative, e.Message);
                continue; // one bad file must not stop the dataset
            }

            StoredInput stored;
            try
            {
                using var stream = new MemoryStream(bytes, writable: false);
                stored = await inputs.PutAsync(stream, cancellationToken).ConfigureAwait(false);
            }
            catch (StorageInputException e)
            {
                LogSkippedImage(schedule.Id, relative, e.Message); // e.g. over Pipeline:Storage:Files:MaxInputBytes
                continue;
            }

            prepared.Add(new AugmentationPlanner.SourceImage(relative, stored.Key, image.Width, image.Height));
        }

        return prepared;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId} period {Period:o}: submitted batch {BatchId} with {Jobs} jobs")]
    private partial void LogSubmitted(string scheduleId, DateTimeOffset period, string batchId, int jobs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId} period {Period:o} already has batch {BatchId}: nothing new submitted")]
    private partial void LogDuplicate(string scheduleId, DateTimeOffset period, string batchId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId}: skipped source image {Image}: {Reason}")]
    private partial void LogSkippedImage(string scheduleId, string image, string reason);
}

/// <summary>The outcome of a trigger.</summary>
/// <param name="Created">True when this trigger made the run (and sent its batch); false when the period already had one.</param>
/// <param name="Run">The period's run.</param>
public sealed record TriggerResult(bool Created, AugmentationRun Run);
