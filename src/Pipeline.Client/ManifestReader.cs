using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts;

namespace Pipeline.Client;

/// <summary>
/// Reads a JSONL job manifest: one <see cref="SubmitJob"/> JSON object per line (the same camelCase fields as the
/// message and <c>schemas/submit-job.schema.json</c>); blank lines are skipped. A line without <c>jobId</c> gets
/// <c>&lt;batchId&gt;-&lt;line number, 6 digits&gt;</c>, so resubmitting the same file under the same batch id is idempotent.
/// <c>batchId</c> on a line must be absent or equal to the batch's. Every line is checked with
/// <see cref="SubmitJobRules"/>; all problems are collected (up to <see cref="MaxErrors"/>) and thrown together as a
/// <see cref="ManifestException"/> whose errors carry 1-based line numbers.
/// </summary>
public static class ManifestReader
{
    /// <summary>Problems reported before reading stops.</summary>
    public const int MaxErrors = 100;

    /// <summary>Reads the manifest file at <paramref name="path"/> into a batch with id <paramref name="batchId"/>.</summary>
    public static async Task<SubmitBatch> ReadFileAsync(string path, string batchId, CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(path, detectEncodingFromByteOrderMarks: true);
        return await ReadAsync(reader, batchId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a manifest into a batch with id <paramref name="batchId"/>; throws <see cref="ManifestException"/> listing every bad line.</summary>
    public static async Task<SubmitBatch> ReadAsync(TextReader reader, string batchId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!JobIds.IsValid(batchId))
        {
            throw new ArgumentException($"batch id must match {JobIds.Pattern}", nameof(batchId));
        }

        var jobs = new List<SubmitJob>();
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

            var job = ParseLine(line, lineNumber, batchId, errors);
            if (job is not null)
            {
                if (firstLineOf.TryGetValue(job.JobId, out var first))
                {
                    errors.Add(new ManifestError(lineNumber, ContractErrorCodes.InvalidBatch, $"jobId '{job.JobId}' already used on line {first}"));
                }
                else
                {
                    firstLineOf[job.JobId] = lineNumber;
                    jobs.Add(job);
                }
            }

            if (errors.Count >= MaxErrors)
            {
                break;
            }
        }

        if (errors.Count == 0 && jobs.Count == 0)
        {
            errors.Add(new ManifestError(Math.Max(lineNumber, 1), ContractErrorCodes.InvalidBatch, "the manifest holds no jobs"));
        }
        else if (errors.Count == 0 && jobs.Count > SubmitBatch.MaxJobs)
        {
            errors.Add(new ManifestError(firstLineOf[jobs[SubmitBatch.MaxJobs].JobId], ContractErrorCodes.InvalidBatch,
                Inv($"a batch holds at most {SubmitBatch.MaxJobs} jobs; split the manifest")));
        }

        if (errors.Count > 0)
        {
            throw new ManifestException(errors);
        }

        return new SubmitBatch { BatchId = batchId, Jobs = jobs };
    }

    private static SubmitJob? ParseLine(string line, int lineNumber, string batchId, List<ManifestError> errors)
    {
        JsonObject obj;
        try
        {
            if (JsonNode.Parse(line) is not JsonObject parsed)
            {
                errors.Add(new ManifestError(lineNumber, "invalid_json", "each line must be one JSON object"));
                return null;
            }

            obj = parsed;
        }
        catch (JsonException e)
        {
            var column = e.BytePositionInLine is { } position ? Inv($" (column {position + 1})") : "";
            errors.Add(new ManifestError(lineNumber, "invalid_json", $"not valid JSON{column}: {FirstSentence(e.Message)}"));
            return null;
        }

        if (FindProperty(obj, "jobId") is null)
        {
            obj["jobId"] = Inv($"{batchId}-{lineNumber:D6}");
        }

        if (FindProperty(obj, "batchId") is { } given && (given.GetValueKind() != JsonValueKind.String || given.GetValue<string>() != batchId))
        {
            errors.Add(new ManifestError(lineNumber, ContractErrorCodes.InvalidBatchId, $"batchId must be absent or '{batchId}'"));
            return null;
        }

        obj["batchId"] = batchId;
        SubmitJob job;
        try
        {
            job = obj.Deserialize<SubmitJob>(ContractJson.Options)!;
        }
        catch (JsonException e)
        {
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path}";
            errors.Add(new ManifestError(lineNumber, "invalid_job", $"not a job{path}: {FirstSentence(e.Message)}"));
            return null;
        }

        var problems = SubmitJobRules.Validate(job);
        foreach (var problem in problems)
        {
            errors.Add(new ManifestError(lineNumber, problem.Code, problem.Message));
        }

        return problems.Count == 0 ? job : null;
    }

    private static JsonNode? FindProperty(JsonObject obj, string name) =>
        obj.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
