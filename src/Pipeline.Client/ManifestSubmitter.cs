using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Pipeline.Contracts;

namespace Pipeline.Client;

/// <summary>
/// Submits a <see cref="Manifest"/>: uploads each distinct local image once (<c>POST /v1/inputs</c>; the key is the
/// content's hash, so a re-run uploads nothing new), then posts the manifest's batches in order
/// (<c>POST /v1/batches</c>). Every step is idempotent: after a failure, submitting the same manifest under the same
/// batch id again completes what is missing and duplicates nothing. Problems the API finds with an image or a job are
/// thrown as a <see cref="ManifestException"/> naming the manifest lines.
/// </summary>
public sealed partial class ManifestSubmitter(PipelineApiClient client)
{
    /// <summary>Uploads in flight at once. Default 4.</summary>
    public int MaxParallelUploads { get; init; } = 4;

    /// <summary>Submits <paramref name="manifest"/>; reports after each upload and each batch; returns each batch's answer in order.</summary>
    public async Task<IReadOnlyList<BatchSubmission>> SubmitAsync(Manifest manifest, IProgress<ManifestSubmitProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var parts = manifest.Parts;
        var keys = await UploadImagesAsync(manifest, parts.Count, progress, cancellationToken).ConfigureAwait(false);
        var submitted = new List<BatchSubmission>(parts.Count);
        foreach (var part in parts)
        {
            var request = new BatchRequest
            {
                BatchId = part.BatchId,
                Jobs = [.. part.Jobs.Select(j => JobRequest.From(j.Job with
                {
                    BatchId = null,
                    SourceImageKey = j.SourceImage is { } source ? keys[source.Identity] : j.Job.SourceImageKey,
                    MaskImageKey = j.MaskImage is { } mask ? keys[mask.Identity] : j.Job.MaskImageKey,
                    SecondImageKey = j.SecondImage is { } second ? keys[second.Identity] : j.Job.SecondImageKey,
                }))],
            };
            try
            {
                submitted.Add(await client.SubmitBatchAsync(request, cancellationToken).ConfigureAwait(false));
            }
            catch (PipelineApiException e) when ((e.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity) && ToLineErrors(e, part) is { } lineErrors)
            {
                throw new ManifestException(lineErrors);
            }

            progress?.Report(new ManifestSubmitProgress(keys.Count, keys.Count, [.. submitted], parts.Count));
        }

        return submitted;
    }

    private async Task<Dictionary<string, string>> UploadImagesAsync(Manifest manifest, int batches, IProgress<ManifestSubmitProgress>? progress,
        CancellationToken cancellationToken)
    {
        var images = manifest.Images;
        var keys = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var errors = new ConcurrentBag<ManifestError>();
        var uploaded = 0;
        await Parallel.ForEachAsync(images, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelUploads, CancellationToken = cancellationToken },
            async (image, ct) =>
            {
                byte[] bytes;
                try
                {
                    bytes = image.FilePath is { } path ? await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false) : Convert.FromBase64String(image.Base64!);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    errors.Add(ErrorFor(manifest, image, JobManifestReader.ImageFileError, $"{image} cannot be read: {e.Message}"));
                    return;
                }

                try
                {
                    var input = await client.UploadInputAsync(bytes, ct).ConfigureAwait(false);
                    keys[image.Identity] = input.Key;
                }
                catch (PipelineApiException e) when (e.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity)
                {
                    var code = e.ProblemCode ?? e.FieldErrors.Select(f => f.Code).FirstOrDefault(c => c is not null)
                        ?? (e.StatusCode == HttpStatusCode.RequestEntityTooLarge ? "input_too_large" : "input_rejected");
                    errors.Add(ErrorFor(manifest, image, code, $"{image}: the API refused the upload: {e.Message}"));
                    return;
                }

                progress?.Report(new ManifestSubmitProgress(Interlocked.Increment(ref uploaded), images.Count, [], batches));
            }).ConfigureAwait(false);
        if (!errors.IsEmpty)
        {
            throw new ManifestException([.. errors.OrderBy(e => e.Line)]);
        }

        return new Dictionary<string, string>(keys, StringComparer.Ordinal);
    }

    /// <summary>One error for an image, on the first line using it (a file used by 500 lines is one problem).</summary>
    private static ManifestError ErrorFor(Manifest manifest, ManifestImage image, string code, string message)
    {
        var lines = manifest.Jobs.Where(j => j.SourceImage?.Identity == image.Identity || j.MaskImage?.Identity == image.Identity
            || j.SecondImage?.Identity == image.Identity).Select(j => j.Line).ToList();
        var also = lines.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (also used on {lines.Count - 1} more line(s))") : "";
        return new ManifestError(lines[0], code, message + also);
    }

    /// <summary>A validation problem whose fields all name batch items (<c>jobs[3].steps</c>), as errors on the manifest lines; else null.</summary>
    private static List<ManifestError>? ToLineErrors(PipelineApiException e, ManifestPart part)
    {
        var errors = new List<ManifestError>();
        foreach (var field in e.FieldErrors)
        {
            var match = ItemField().Match(field.Field);
            if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || index >= part.Jobs.Count)
            {
                return null;
            }

            var name = match.Groups[2].Value;
            errors.Add(new ManifestError(part.Jobs[index].Line, field.Code ?? "rejected_by_api",
                $"the API refused it: {(name.Length > 0 && !field.Message.Contains(name, StringComparison.Ordinal) ? name + ": " : "")}{field.Message}"));
        }

        return errors.Count == 0 ? null : [.. errors.OrderBy(x => x.Line)];
    }

    [GeneratedRegex(@"\Ajobs\[(\d+)\]\.?(.*)\z", RegexOptions.CultureInvariant)]
    private static partial Regex ItemField();
}

/// <summary>How far a manifest submission got.</summary>
/// <param name="ImagesUploaded">Distinct images uploaded so far.</param>
/// <param name="Images">Distinct images to upload.</param>
/// <param name="Submitted">Batches submitted so far, in order.</param>
/// <param name="Batches">Batches to submit.</param>
public sealed record ManifestSubmitProgress(int ImagesUploaded, int Images, IReadOnlyList<BatchSubmission> Submitted, int Batches);
