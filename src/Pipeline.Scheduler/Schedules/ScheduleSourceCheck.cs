using System.Globalization;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.Scheduler.Hosting;
using Pipeline.Scheduler.Runs;
using Pipeline.Storage;

namespace Pipeline.Scheduler.Schedules;

/// <summary>
/// Whether a schedule's source can make a run, checked when the schedule is created or replaced, so a mistake answers
/// 422 at once instead of surfacing as a failed run at its first trigger: the folder or manifest exists under the source
/// root and lists images, a run stays within the batch limit, and one of the first <see cref="ImagesTried"/> images
/// decodes within the upload limit. Bounded: it lists the source (names only) and reads at most that many files.
/// </summary>
public sealed class ScheduleSourceCheck(IOptions<SchedulerOptions> options, IOptions<FileStorageOptions> files)
{
    /// <summary>The most images read (in plan order) looking for one that decodes.</summary>
    public const int ImagesTried = 3;

    /// <summary>What stops <paramref name="schedule"/>'s source from making a run; empty when it can. The schedule must be valid.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(AugmentationSchedule schedule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        IReadOnlyList<(string Relative, string FullPath)> images;
        try
        {
            images = SourceImages.List(options.Value.SourceRoot, schedule.Source);
        }
        catch (UnusableSourceException e)
        {
            return [e.Message];
        }

        var source = schedule.Source.Folder is { } folder ? $"source folder '{folder}'" : $"source manifest '{schedule.Source.Manifest}'";
        if (images.Count == 0)
        {
            return [$"{source} lists no images (.png, .jpg, .jpeg, .webp, .bmp, .gif)"];
        }

        var perImage = (schedule.Variations?.PerImage ?? 0) + (schedule.Inpaints?.PerImage ?? 0);
        var jobs = (long)perImage * images.Count;
        if (jobs > SubmitBatch.MaxJobs)
        {
            return [string.Create(CultureInfo.InvariantCulture,
                $"{source} lists {images.Count} images; at {perImage} jobs each a run would make {jobs} jobs, more than the {SubmitBatch.MaxJobs} a run may hold")];
        }

        var reasons = new List<string>();
        foreach (var (relative, path) in images.Take(ImagesTried))
        {
            if (await DecodeProblemAsync(relative, path, cancellationToken).ConfigureAwait(false) is not { } reason)
            {
                return [];
            }

            reasons.Add(reason);
        }

        return [string.Create(CultureInfo.InvariantCulture, $"no image of {source} decodes (tried the first {reasons.Count}): {string.Join("; ", reasons)}")];
    }

    // Null when the image decodes as a run would read it (within the upload limit, through the guarded reader).
    private async Task<string?> DecodeProblemAsync(string relative, string path, CancellationToken cancellationToken)
    {
        try
        {
            var length = new FileInfo(path).Length;
            var limit = files.Value.MaxInputBytes;
            if (length > limit)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"{relative}: {length} bytes, over the upload limit of {limit} (Pipeline:Storage:Files:MaxInputBytes)");
            }

            ImageReader.Read(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
            return null;
        }
        catch (ImageInputException e)
        {
            return $"{relative}: {e.Message}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{relative}: cannot be read: {e.Message}";
        }
    }
}
