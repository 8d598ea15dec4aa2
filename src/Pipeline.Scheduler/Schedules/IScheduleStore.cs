using Pipeline.Scheduler.Runs;

namespace Pipeline.Scheduler.Schedules;

/// <summary>Schedules and their runs (PostgreSQL, in the job store's schema).</summary>
public interface IScheduleStore
{
    /// <summary>
    /// Creates or replaces a schedule (owned by its <see cref="AugmentationSchedule.Tenant"/>); true when it was created,
    /// false when replaced, null when the id belongs to another tenant's schedule (nothing changes).
    /// </summary>
    Task<bool?> UpsertAsync(AugmentationSchedule schedule, CancellationToken cancellationToken = default);

    /// <summary>Creates a schedule (owned by its <see cref="AugmentationSchedule.Tenant"/>) unless its id exists, whoever owns it; true when created.</summary>
    Task<bool> InsertAsync(AugmentationSchedule schedule, CancellationToken cancellationToken = default);

    /// <summary>The schedule with its tenant, or null.</summary>
    Task<AugmentationSchedule?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Every schedule, by id.</summary>
    Task<IReadOnlyList<AugmentationSchedule>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes a schedule (its runs stay); true when it existed.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The run of (<paramref name="scheduleId"/>, <paramref name="periodStart"/>), or null.</summary>
    Task<AugmentationRun?> GetRunAsync(string scheduleId, DateTimeOffset periodStart, CancellationToken cancellationToken = default);

    /// <summary>The run that submitted <paramref name="batchId"/>, or null (a batch that is not the scheduler's).</summary>
    Task<AugmentationRun?> GetRunByBatchAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary>A schedule's runs, newest period first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AugmentationRun>> ListRunsAsync(string scheduleId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Runs still moving (requested, claimed or submitted), oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<AugmentationRun>> ListOpenRunsAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records <paramref name="run"/> (status <c>requested</c>, no jobs) unless the period has a run; a <c>failed</c> run
    /// of the period is requested again. The unique (schedule, period) key decides, so of racing requests exactly one
    /// gets <c>Created = true</c>. Returns the stored run either way.
    /// </summary>
    Task<(bool Created, AugmentationRun Run)> TryRequestRunAsync(AugmentationRun run, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>requested → claimed</c> with <paramref name="planned"/>'s plan, claimed now; false when the run was not
    /// <c>requested</c> (another trigger claimed it first).
    /// </summary>
    Task<bool> ClaimRequestedRunAsync(AugmentationRun planned, CancellationToken cancellationToken = default);

    /// <summary><c>requested → failed</c> with <paramref name="reason"/>; false when the run was not <c>requested</c>.</summary>
    Task<bool> MarkFailedAsync(string scheduleId, DateTimeOffset periodStart, string reason, CancellationToken cancellationToken = default);

    /// <summary><c>claimed → submitted</c>; a no-op for a run already further.</summary>
    Task MarkSubmittedAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary><c>claimed</c> or <c>submitted</c> <c>→ completed</c> with the dataset's path; true when this call completed it.</summary>
    Task<bool> MarkCompletedAsync(string batchId, string datasetPath, int succeeded, CancellationToken cancellationToken = default);
}
