using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Imaging;
using Pipeline.Scheduler.Hosting;
using Pipeline.Scheduler.Schedules;
using Pipeline.Storage;
using Pipeline.Storage.Inputs;

namespace Pipeline.Scheduler.Runs;

/// <summary>
/// Triggers a schedule for a period: records the period's run as requested (the unique (schedule, period) key makes a
/// second trigger find it), lists and uploads its source images, plans the jobs, claims the run with its plan, then
/// sends ONE batch. The claim is stored before the send, so a crash between the two leaves a <c>claimed</c> run that
/// the next trigger or the reconciler resends (after <see cref="ClaimGrace"/>) with the identical plan; the batch id
/// makes that resend harmless downstream. A source that cannot make a run (<see cref="UnusableSourceException"/>) marks
/// the run failed with the reason: it would fail the same way on every retry.
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
    /// Returns whether this call made the run (and sent its batch), and the run, <c>failed</c> when its source could
    /// not make one. Throws <see cref="KeyNotFoundException"/> for a schedule that does not exist (a requested run of
    /// it is marked failed first).
    /// </summary>
    public async Task<TriggerResult> TriggerAsync(string scheduleId, DateTimeOffset? periodStart = null, CancellationToken cancellationToken = default)
    {
        var schedule = await store.GetAsync(scheduleId, cancellationToken).ConfigureAwait(false);
        if (schedule is null)
        {
            if (periodStart is { } requested)
            {
                await store.MarkFailedAsync(scheduleId, requested, "the schedule was deleted before its run started", cancellationToken).ConfigureAwait(false);
            }

            throw new KeyNotFoundException($"schedule {scheduleId} does not exist");
        }

        var period = SchedulePeriods.PeriodStart(schedule, periodStart ?? timeProvider.GetUtcNow());
        var (_, run) = await store.TryRequestRunAsync(Request(schedule, period, timeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        if (run.Status != RunStatuses.Requested)
        {
            return await ExistingAsync(run, cancellationToken).ConfigureAwait(false);
        }

        RunPlan plan;
        try
        {
            var images = await PrepareImagesAsync(schedule, cancellationToken).ConfigureAwait(false);
            plan = AugmentationPlanner.Plan(schedule, period, images);
        }
        catch (UnusableSourceException e)
        {
            await store.MarkFailedAsync(scheduleId, period, e.Message, cancellationToken).ConfigureAwait(false);
            LogFailed(scheduleId, period, e.Message);
            var failed = await store.GetRunAsync(scheduleId, period, cancellationToken).ConfigureAwait(false) ?? run;
            return new TriggerResult(false, failed);
        }

        var planned = run with { Status = RunStatuses.Claimed, Plan = plan, CreatedAt = timeProvider.GetUtcNow() };
        if (!await store.ClaimRequestedRunAsync(planned, cancellationToken).ConfigureAwait(false))
        {
            // Another trigger of the period planned and claimed it first (same plan: it is a pure function of the inputs).
            var other = await store.GetRunAsync(scheduleId, period, cancellationToken).ConfigureAwait(false) ?? run;
            return await ExistingAsync(other, cancellationToken).ConfigureAwait(false);
        }

        await SubmitAsync(planned, cancellationToken).ConfigureAwait(false);
        LogSubmitted(scheduleId, period, planned.BatchId, plan.Jobs.Count);
        return new TriggerResult(true, planned with { Status = RunStatuses.Submitted });
    }

    /// <summary>The <c>requested</c> run of <paramref name="schedule"/> for <paramref name="period"/>: its batch id, no jobs yet.</summary>
    public static AugmentationRun Request(AugmentationSchedule schedule, DateTimeOffset period, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return new AugmentationRun
        {
            ScheduleId = schedule.Id,
            PeriodStart = period,
            BatchId = AugmentationPlanner.BatchId(schedule.Id, period, schedule.Tenant),
            Status = RunStatuses.Requested,
            Plan = new RunPlan { Priority = schedule.Priority, Steps = schedule.Steps, ModelPack = schedule.ModelPack, Order = schedule.Order, Jobs = [] },
            CreatedAt = now,
        };
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

    /// <summary>
    /// True when <paramref name="run"/> was requested or claimed and its trigger evidently died before planning or
    /// sending (a crash, or a queued "run now" whose Hangfire job was lost).
    /// </summary>
    public bool IsAbandoned(AugmentationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Status is RunStatuses.Requested or RunStatuses.Claimed && timeProvider.GetUtcNow() - run.CreatedAt > ClaimGrace;
    }

    private async Task<TriggerResult> ExistingAsync(AugmentationRun run, CancellationToken cancellationToken)
    {
        if (run.Status == RunStatuses.Claimed && IsAbandoned(run))
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId} period {Period:o}: run failed, no batch sent: {Reason}")]
    private partial void LogFailed(string scheduleId, DateTimeOffset period, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId}: skipped source image {Image}: {Reason}")]
    private partial void LogSkippedImage(string scheduleId, string image, string reason);
}

/// <summary>The outcome of a trigger.</summary>
/// <param name="Created">True when this trigger made the run (and sent its batch); false when the period already had one.</param>
/// <param name="Run">The period's run.</param>
public sealed record TriggerResult(bool Created, AugmentationRun Run);
