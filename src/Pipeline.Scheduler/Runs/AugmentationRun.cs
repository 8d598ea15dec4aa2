namespace Pipeline.Scheduler.Runs;

/// <summary>A run as stored: one batch for one (schedule, period).</summary>
public sealed record AugmentationRun
{
    /// <summary>The schedule.</summary>
    public required string ScheduleId { get; init; }

    /// <summary>The period start (UTC): with the schedule id, the run's idempotency key.</summary>
    public required DateTimeOffset PeriodStart { get; init; }

    /// <summary>The batch the run submitted.</summary>
    public required string BatchId { get; init; }

    /// <summary>One of <see cref="RunStatuses"/>.</summary>
    public required string Status { get; init; }

    /// <summary>The jobs, with the parameters the manifest records.</summary>
    public required RunPlan Plan { get; init; }

    /// <summary>Jobs that produced an image, once completed.</summary>
    public int? Succeeded { get; init; }

    /// <summary>Where the dataset was written, once completed.</summary>
    public string? DatasetPath { get; init; }

    /// <summary>Why a failed run made no batch; null otherwise.</summary>
    public string? Error { get; init; }

    /// <summary>When the run was requested, or claimed once planned (the claim's grace counts from here).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its batch was sent.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>When its dataset was written.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>The stored plan of a run: the batch's settings and each job.</summary>
public sealed record RunPlan
{
    /// <summary>Priority class of every job.</summary>
    public required string Priority { get; init; }

    /// <summary>Requested steps, or null for the class default.</summary>
    public int? Steps { get; init; }

    /// <summary>Model pack, or null for the default.</summary>
    public string? ModelPack { get; init; }

    /// <summary>Unmask order, or null for the pack's default.</summary>
    public string? Order { get; init; }

    /// <summary>The jobs, in submission order.</summary>
    public required IReadOnlyList<PlannedJob> Jobs { get; init; }
}

/// <summary>Run statuses as stored: requested → claimed → submitted → completed, or requested → failed.</summary>
public static class RunStatuses
{
    /// <summary>Asked for (run now, a cron firing), not planned yet: the row that makes a second request for the period a no-op.</summary>
    public const string Requested = "requested";

    /// <summary>Planned and recorded; its batch may not have been sent.</summary>
    public const string Claimed = "claimed";

    /// <summary>Its batch was sent.</summary>
    public const string Submitted = "submitted";

    /// <summary>Its dataset is written.</summary>
    public const string Completed = "completed";

    /// <summary>No batch could be made (the source cannot make a run); the run's error says why. "Run now" asks again.</summary>
    public const string Failed = "failed";
}
