namespace Pipeline.Scheduler.Contracts;

/// <summary>One run of a schedule as <c>GET /v1/schedules/{id}/runs</c> lists it (newest period first).</summary>
public sealed record ScheduleRunView
{
    /// <summary>The schedule.</summary>
    public required string ScheduleId { get; init; }

    /// <summary>The period start (UTC): with the schedule id, what makes a run unique.</summary>
    public required DateTimeOffset PeriodStart { get; init; }

    /// <summary>The run's batch (<c>aug-&lt;schedule&gt;-&lt;period&gt;</c>); watch it with <c>GET /v1/batches/{id}</c>.</summary>
    public required string BatchId { get; init; }

    /// <summary>
    /// <c>requested</c> (queued, not planned yet), <c>claimed</c> (planned, batch not yet sent), <c>submitted</c>,
    /// <c>completed</c> (dataset written) or <c>failed</c> (no batch could be made; <see cref="Error"/> says why).
    /// </summary>
    public required string Status { get; init; }

    /// <summary>Jobs planned (0 before planning, and for a failed run).</summary>
    public required int Jobs { get; init; }

    /// <summary>Jobs that produced an image, once completed.</summary>
    public int? Succeeded { get; init; }

    /// <summary>Where the dataset was written, once completed.</summary>
    public string? DatasetPath { get; init; }

    /// <summary>Why a failed run made no batch (e.g. the source folder does not exist); null otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>When the run was requested, or claimed once planned.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its batch was sent.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>When its dataset was written.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}
