using System.Globalization;
using Pipeline.Contracts;

namespace Pipeline.Client;

/// <summary>
/// A checked job manifest (<see cref="JobManifestReader"/>): its jobs in line order, with their local images still to
/// upload. A manifest of up to <see cref="SubmitBatch.MaxJobs"/> jobs is one batch named <see cref="BatchId"/>; a
/// longer one is split in line order into batches of at most that many, named <c>&lt;batchId&gt;-1</c>,
/// <c>-2</c>, … (zero-padded to the same width, so they sort). The split depends only on the job count, so the same
/// manifest under the same batch id always makes the same batches and job ids.
/// </summary>
public sealed record Manifest
{
    /// <summary>The batch id given to the reader (the base of the part ids when split).</summary>
    public required string BatchId { get; init; }

    /// <summary>The jobs, in line order.</summary>
    public required IReadOnlyList<ManifestJob> Jobs { get; init; }

    /// <summary>The batches this manifest is submitted as, in line order.</summary>
    public IReadOnlyList<ManifestPart> Parts
    {
        get
        {
            var count = (Jobs.Count + SubmitBatch.MaxJobs - 1) / SubmitBatch.MaxJobs;
            if (count <= 1)
            {
                return [new ManifestPart(BatchId, Jobs)];
            }

            var width = count.ToString(CultureInfo.InvariantCulture).Length;
            return [.. Enumerable.Range(0, count).Select(i => new ManifestPart(
                $"{BatchId}-{(i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')}",
                [.. Jobs.Skip(i * SubmitBatch.MaxJobs).Take(SubmitBatch.MaxJobs)]))];
        }
    }

    /// <summary>The distinct local images the jobs reference (files by full path, inline base64 by content), in first-use order.</summary>
    public IReadOnlyList<ManifestImage> Images =>
        [.. Jobs.SelectMany(j => new[] { j.SourceImage, j.MaskImage, j.SecondImage }).OfType<ManifestImage>().DistinctBy(i => i.Identity)];
}

/// <summary>One batch of a manifest.</summary>
public sealed record ManifestPart(string BatchId, IReadOnlyList<ManifestJob> Jobs);

/// <summary>One manifest line.</summary>
public sealed record ManifestJob
{
    /// <summary>1-based line number.</summary>
    public required int Line { get; init; }

    /// <summary>
    /// The job, checked with <see cref="SubmitJobRules"/>. Its <c>sourceImageKey</c> / <c>maskImageKey</c> are null
    /// where <see cref="SourceImage"/> / <see cref="MaskImage"/> stand for them until uploaded; no batch id (the batch it
    /// is submitted in sets that).
    /// </summary>
    public required SubmitJob Job { get; init; }

    /// <summary>The source image to upload (<c>sourceImageFile</c> or inline <c>sourceImage</c>), or null.</summary>
    public ManifestImage? SourceImage { get; init; }

    /// <summary>The mask image to upload (<c>maskImageFile</c> or inline <c>maskImage</c>), or null.</summary>
    public ManifestImage? MaskImage { get; init; }

    /// <summary>Stitching: the second image to upload (<c>secondImageFile</c> or <c>secondImage</c>), else null.</summary>
    public ManifestImage? SecondImage { get; init; }
}

/// <summary>A local image of a manifest: a file (full path) or inline base64 bytes.</summary>
/// <param name="Field">The manifest field it came from, for messages (<c>sourceImageFile</c>, <c>maskImage</c>, …).</param>
/// <param name="FilePath">The file's full path, or null for inline bytes.</param>
/// <param name="Base64">The inline bytes as base64, or null for a file.</param>
/// <param name="Given">The value as written in the manifest (a relative path stays relative), for messages.</param>
public sealed record ManifestImage(string Field, string? FilePath, string? Base64, string Given)
{
    /// <summary>What makes two references the same image: the full path, or the base64 text.</summary>
    public string Identity => FilePath is { } path ? "file:" + path : "base64:" + Base64;

    /// <summary>For messages: <c>sourceImageFile 'cats/a.png'</c>, or <c>sourceImage (inline, 1234 base64 characters)</c>.</summary>
    public override string ToString() =>
        FilePath is not null ? $"{Field} '{Given}'" : string.Create(CultureInfo.InvariantCulture, $"{Field} (inline, {Base64!.Length} base64 characters)");
}
