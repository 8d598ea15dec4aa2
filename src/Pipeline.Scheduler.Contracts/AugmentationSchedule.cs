using Pipeline.Contracts;

namespace Pipeline.Scheduler.Schedules;

/// <summary>
/// A recurring dataset augmentation: which images, what to make of each, how, and when. The JSON form (camelCase,
/// <see cref="ContractJson.Options"/>) is what <c>/v1/schedules</c> accepts and returns and what configuration
/// (<c>Pipeline:Scheduler:Schedules</c>) holds. Check one with <see cref="ScheduleValidator"/>.
/// </summary>
public sealed record AugmentationSchedule
{
    /// <summary>Required. 1–63 characters of <c>a-z 0-9 -</c>, starting with a letter or digit; names batches, jobs and the output folder.</summary>
    public required string Id { get; init; }

    /// <summary>Required. A 5-field cron expression (minute hour day month weekday), e.g. <c>0 3 * * *</c>.</summary>
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

/// <summary>
/// Source images: exactly one of <see cref="Folder"/> (every .png, .jpg, .jpeg, .webp, .bmp, .gif in it, not
/// recursive, in ordinal name order) and <see cref="Manifest"/> (a text file of image paths, one per line,
/// relative to the manifest's folder; blank lines and lines starting with <c>#</c> are skipped). Both are
/// relative to <c>Pipeline:Scheduler:SourceRoot</c> and may not leave it.
/// </summary>
public sealed record ScheduleSource
{
    /// <summary>A folder of images.</summary>
    public string? Folder { get; init; }

    /// <summary>A manifest listing images.</summary>
    public string? Manifest { get; init; }
}

/// <summary>Variations per image, each re-masking a fraction drawn uniformly from [<see cref="MinStrength"/>, <see cref="MaxStrength"/>].</summary>
public sealed record VariationSpec
{
    /// <summary>Variations per image, 1–100.</summary>
    public required int PerImage { get; init; }

    /// <summary>Lowest strength, in (0, 1]. Default 0.3.</summary>
    public float MinStrength { get; init; } = 0.3f;

    /// <summary>Highest strength, in [<see cref="MinStrength"/>, 1]. Default 0.7.</summary>
    public float MaxStrength { get; init; } = 0.7f;
}

/// <summary>
/// Inpaints per image, each with one random rectangle covering a fraction of the image drawn uniformly from
/// [<see cref="MinCoverage"/>, <see cref="MaxCoverage"/>] (same aspect ratio as the image, random position).
/// </summary>
public sealed record InpaintSpec
{
    /// <summary>Inpaints per image, 1–100.</summary>
    public required int PerImage { get; init; }

    /// <summary>Smallest fraction of the image masked, in (0, 1]. Default 0.1.</summary>
    public float MinCoverage { get; init; } = 0.1f;

    /// <summary>Largest fraction masked, in [<see cref="MinCoverage"/>, 1]. Default 0.4.</summary>
    public float MaxCoverage { get; init; } = 0.4f;
}
