using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts;

namespace Pipeline.Client;

/// <summary>
/// Reads a JSONL job manifest: one JSON object per line holding a job request's fields (camelCase, as
/// <c>POST /v1/jobs</c> and <c>schemas/submit-job.schema.json</c> spell them), blank lines skipped. Images are given as
/// <c>sourceImageFile</c> / <c>maskImageFile</c> (a local path, relative to the manifest's folder), inline base64
/// <c>sourceImage</c> / <c>maskImage</c>, or an already uploaded <c>sourceImageKey</c> / <c>maskImageKey</c>.
/// A line without <c>jobId</c> gets <c>&lt;batchId&gt;-&lt;line number, 6 digits&gt;</c>, so submitting the same file under
/// the same batch id again is idempotent. <c>batchId</c> on a line must be absent or equal to the manifest's. Every
/// line is checked with <see cref="SubmitJobRules"/>, unknown fields are errors (a typo would otherwise be ignored),
/// and image files must exist; all problems are collected (up to <see cref="MaxErrors"/>) and thrown together as a
/// <see cref="ManifestException"/> whose errors carry 1-based line numbers.
/// </summary>
public static class JobManifestReader
{
    /// <summary>Problems reported before reading stops.</summary>
    public const int MaxErrors = 100;

    /// <summary>The most jobs one manifest holds (submitted as batches of <see cref="SubmitBatch.MaxJobs"/>).</summary>
    public const int MaxJobs = 100_000;

    /// <summary>The longest batch id: room is left for the <c>-&lt;line&gt;</c> of derived job ids and the <c>-&lt;part&gt;</c> of split batches.</summary>
    public const int MaxBatchIdLength = JobIds.MaxLength - 8;

    /// <summary>The largest image file a manifest may reference (the API has its own, usually lower, limit).</summary>
    public const long MaxImageFileBytes = 64L * 1024 * 1024;

    /// <summary>Code of a line naming a field no job has.</summary>
    public const string UnknownField = "unknown_field";

    /// <summary>Code of an image file that is missing, empty, too large or unreadable.</summary>
    public const string ImageFileError = "image_file";

    private const string Placeholder = InputKeys.Prefix + "0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly HashSet<string> KnownFields = new(
        typeof(JobRequest).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))
            .Concat(["batchId", "sourceImageFile", "maskImageFile"]),
        StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the manifest file at <paramref name="path"/>; relative image paths are resolved against its folder.</summary>
    public static async Task<Manifest> ReadFileAsync(string path, string batchId, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        using var reader = new StreamReader(full, detectEncodingFromByteOrderMarks: true);
        return await ReadAsync(reader, batchId, Path.GetDirectoryName(full), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a manifest for batch <paramref name="batchId"/>; relative image paths are resolved against
    /// <paramref name="baseDirectory"/> (null: the current directory). Throws <see cref="ManifestException"/> listing every bad line.
    /// </summary>
    public static async Task<Manifest> ReadAsync(TextReader reader, string batchId, string? baseDirectory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!JobIds.IsValid(batchId) || batchId.Length > MaxBatchIdLength)
        {
            throw new ArgumentException(Inv($"batch id must match {JobIds.Pattern} and be at most {MaxBatchIdLength} characters long"), nameof(batchId));
        }

        var directory = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        var jobs = new List<ManifestJob>();
        var errors = new List<ManifestError>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var job = ParseLine(line, lineNumber, batchId, directory, errors);
            if (job is not null)
            {
                if (firstLineOf.TryGetValue(job.Job.JobId, out var first))
                {
                    errors.Add(new ManifestError(lineNumber, ContractErrorCodes.InvalidBatch, $"jobId '{job.Job.JobId}' already used on line {first}"));
                }
                else
                {
                    firstLineOf[job.Job.JobId] = lineNumber;
                    jobs.Add(job);
                }
            }

            if (jobs.Count > MaxJobs)
            {
                errors.Add(new ManifestError(lineNumber, ContractErrorCodes.InvalidBatch,
                    Inv($"a manifest holds at most {MaxJobs} jobs; split it into several files")));
            }

            if (errors.Count >= MaxErrors || jobs.Count > MaxJobs)
            {
                break;
            }
        }

        if (errors.Count == 0 && jobs.Count == 0)
        {
            errors.Add(new ManifestError(Math.Max(lineNumber, 1), ContractErrorCodes.InvalidBatch, "the manifest holds no jobs"));
        }

        if (errors.Count > 0)
        {
            throw new ManifestException(errors);
        }

        return new Manifest { BatchId = batchId, Jobs = jobs };
    }

    private static ManifestJob? ParseLine(string line, int lineNumber, string batchId, string directory, List<ManifestError> errors)
    {
        var errorsBefore = errors.Count;
        void Error(string code, string message) => errors.Add(new ManifestError(lineNumber, code, message));

        JsonObject obj;
        try
        {
            if (JsonNode.Parse(line) is not JsonObject parsed)
            {
                Error("invalid_json", "each line must be one JSON object");
                return null;
            }

            obj = parsed;
        }
        catch (JsonException e)
        {
            var column = e.BytePositionInLine is { } position ? Inv($" (column {position + 1})") : "";
            Error("invalid_json", $"not valid JSON{column}: {FirstSentence(e.Message)}");
            return null;
        }

        foreach (var name in obj.Select(p => p.Key).Where(k => !KnownFields.Contains(k)))
        {
            Error(UnknownField, $"unknown field '{name}' (fields: {string.Join(", ", KnownFields.Order(StringComparer.Ordinal))})");
        }

        if (errors.Count > errorsBefore)
        {
            return null;
        }

        if (FindProperty(obj, "jobId") is null)
        {
            obj["jobId"] = Inv($"{batchId}-{lineNumber:D6}");
        }

        if (Take(obj, "batchId") is { } given && (given.GetValueKind() != JsonValueKind.String || given.GetValue<string>() != batchId))
        {
            Error(ContractErrorCodes.InvalidBatchId, $"batchId must be absent or '{batchId}' (the batch is chosen when submitting)");
            return null;
        }

        var source = TakeImage(obj, "sourceImage", directory, Error);
        var mask = TakeImage(obj, "maskImage", directory, Error);
        var second = TakeImage(obj, "secondImage", directory, Error);
        if (errors.Count > errorsBefore)
        {
            return null;
        }

        SubmitJob job;
        try
        {
            job = obj.Deserialize<SubmitJob>(ContractJson.Options)!;
        }
        catch (JsonException e)
        {
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            Error("invalid_job", $"not a job{path}: {FirstSentence(e.Message)}");
            return null;
        }

        // Images still to upload stand in as a well-formed key while the contract rules run.
        var checkedJob = job with
        {
            SourceImageKey = source is null ? job.SourceImageKey : Placeholder,
            MaskImageKey = mask is null ? job.MaskImageKey : Placeholder,
            SecondImageKey = second is null ? job.SecondImageKey : Placeholder,
        };
        foreach (var problem in SubmitJobRules.Validate(checkedJob))
        {
            Error(problem.Code, Explain(problem, source, mask));
        }

        return errors.Count > errorsBefore ? null : new ManifestJob { Line = lineNumber, Job = job, SourceImage = source, MaskImage = mask, SecondImage = second };
    }

    /// <summary>
    /// Removes <c>{field}File</c> and <c>{field}</c> (base64) from the line and returns the image they name; at most one
    /// of them and <c>{field}Key</c> may be given.
    /// </summary>
    private static ManifestImage? TakeImage(JsonObject obj, string field, string directory, Action<string, string> error)
    {
        var fileField = field + "File";
        var file = Take(obj, fileField);
        var inline = Take(obj, field);
        var given = new[] { (fileField, file), (field, inline), (field + "Key", FindProperty(obj, field + "Key")) }.Where(x => x.Item2 is not null).ToList();
        if (given.Count > 1)
        {
            error(ContractErrorCodes.InvalidInputKey, $"give one of {fileField}, {field} (base64) and {field}Key; got {string.Join(" and ", given.Select(g => g.Item1))}");
            return null;
        }

        if (file is not null)
        {
            if (file.GetValueKind() != JsonValueKind.String || file.GetValue<string>() is not { Length: > 0 } relative)
            {
                error(ImageFileError, $"{fileField} must be a file path (relative to the manifest's folder, or absolute)");
                return null;
            }

            var full = Path.GetFullPath(Path.Combine(directory, relative));
            var info = new FileInfo(full);
            if (!info.Exists)
            {
                error(ImageFileError, $"{fileField} '{relative}' does not exist (looked for {full})");
                return null;
            }

            if (info.Length == 0 || info.Length > MaxImageFileBytes)
            {
                error(ImageFileError, info.Length == 0
                    ? $"{fileField} '{relative}' is empty"
                    : Inv($"{fileField} '{relative}' is {info.Length} bytes; the most is {MaxImageFileBytes}"));
                return null;
            }

            return new ManifestImage(fileField, full, null, relative);
        }

        if (inline is not null)
        {
            if (inline.GetValueKind() != JsonValueKind.String || inline.GetValue<string>() is not { Length: > 0 } base64 || !IsBase64(base64))
            {
                error("invalid_base64", $"{field} must be the image's bytes as base64 (RFC 4648, with padding); for a file use {fileField}");
                return null;
            }

            return new ManifestImage(field, null, base64, field);
        }

        return null;
    }

    // The contract speaks of keys; a manifest line may have given a file or inline bytes instead.
    private static string Explain(ContractError problem, ManifestImage? source, ManifestImage? mask) => problem.Code switch
    {
        ContractErrorCodes.MissingSourceImage =>
            $"{problem.Message}: sourceImageFile (a path), sourceImage (base64) or sourceImageKey",
        ContractErrorCodes.MissingMask => "inpainting needs a mask: maskRectangles, maskImageFile (a path), maskImage (base64) or maskImageKey",
        _ => problem.Message
            .Replace("sourceImageKey", source?.Field ?? "sourceImageKey", StringComparison.Ordinal)
            .Replace("maskImageKey", mask?.Field ?? "maskImageKey", StringComparison.Ordinal),
    };

    private static bool IsBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) && written > 0;
    }

    private static JsonNode? FindProperty(JsonObject obj, string name) =>
        obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>Removes the property (any case) and returns its value; null when absent or JSON null.</summary>
    private static JsonNode? Take(JsonObject obj, string name)
    {
        var key = obj.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        if (key is null)
        {
            return null;
        }

        var value = obj[key];
        obj.Remove(key);
        return value;
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
