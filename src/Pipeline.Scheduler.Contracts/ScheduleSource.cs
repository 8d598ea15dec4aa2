namespace Pipeline.Scheduler.Contracts;

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
