using Pipeline.Contracts;

namespace Pipeline.Scheduler.Contracts;

/// <summary>
/// A recurring dataset augmentation: which images, what to make of each, how, and when. The JSON form (camelCase,
/// <see cref="ContractJson.Options"/>) is what <c>/v1/schedules</c> accepts and returns and what configuration
/// (<c>Pipeline:Scheduler:Schedules</c>) holds. The Scheduler checks one before storing it.
/// </summary>
public sealed record AugmentationSchedule
{
    /// <summary>Required. 1–63 characters of <c>a-z 0-9 -</c>, starting with a letter or digit; names batches, jobs and the output folder.</summary>
    public required string Id { get; init; }

    /// <summary>
    /// The tenant that owns it (<see cref="TenantIds"/>): the creating key's, set by the Scheduler, never read from or
    /// written to JSON. Its runs' batches and jobs belong to this tenant.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Tenant { get; init; } = TenantIds.Default;

    /// <summary>Required. A 5-field cron expression (minute hour day-of-month month day-of-week), e.g. <c>0 3 * * *</c>.</summary>
    public required string Cron { get; init; }

    /// <summary>IANA time zone the cron is read in. Default <c>UTC</c>.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>False keeps the schedule stored but not triggered by cron ("run now" still works). Default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Required. Where the source images come from.</summary>
    public required ScheduleSource Source { get; init; }

    /// <summary>Variations to make per image, or null for none.</summary>
    public VariationSpec? Variations { get; init; }

    /// <summary>Inpaints (with random rectangular masks) to make per image, or null for none.</summary>
    public InpaintSpec? Inpaints { get; init; }

    /// <summary>Priority class of the jobs. Default <c>bulk</c>: dataset work yields to people waiting.</summary>
    public string Priority { get; init; } = JobPriorities.Bulk;

    /// <summary>Requested steps per job, or null for the class default.</summary>
    public int? Steps { get; init; }

    /// <summary>Model pack, or null for the workers' default.</summary>
    public string? ModelPack { get; init; }

    /// <summary>Unmask order (<see cref="UnmaskOrders"/>), or null for the pack's default.</summary>
    public string? Order { get; init; }
}
