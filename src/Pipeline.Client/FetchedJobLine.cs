using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Client;

/// <summary>
/// One line of the <c>jobs.jsonl</c> a fetch writes: exactly the fields the CLI documents, in that order, each present
/// (null when it has no value), so a reader can rely on the shape whatever the API adds to its job view later.
/// </summary>
public sealed record FetchedJobLine
{
    /// <summary>
    /// How lines are written: camelCase, nulls kept, and the relaxed encoder, so timestamps read <c>+00:00</c> rather
    /// than <c>\u002B00:00</c> (the file is data for scripts, never embedded in HTML, where the default escaping matters).
    /// </summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The job id.</summary>
    public required string JobId { get; init; }

    /// <summary>The batch.</summary>
    public string? BatchId { get; init; }

    /// <summary><c>generation</c>, <c>variation</c> or <c>inpainting</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>The priority class.</summary>
    public string? Priority { get; init; }

    /// <summary>The job's status when it was listed.</summary>
    public required string Status { get; init; }

    /// <summary>Steps used, once succeeded.</summary>
    public int? StepsUsed { get; init; }

    /// <summary>How many times a worker started it.</summary>
    public int Attempts { get; init; }

    /// <summary>Why it failed, or the cancel reason.</summary>
    public JobError? Error { get; init; }

    /// <summary>When it was submitted.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The PNG's file name in the folder, or null when the folder holds none for this job.</summary>
    public string? File { get; init; }

    /// <summary>The line for <paramref name="job"/> with <paramref name="file"/>.</summary>
    public static FetchedJobLine From(BatchJob job, string? file)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new FetchedJobLine
        {
            JobId = job.JobId,
            BatchId = job.BatchId,
            Kind = job.Kind,
            Priority = job.Priority,
            Status = job.Status,
            StepsUsed = job.StepsUsed,
            Attempts = job.Attempts,
            Error = job.Error,
            SubmittedAt = job.SubmittedAt,
            FinishedAt = job.FinishedAt,
            File = file,
        };
    }

    /// <summary>The line as written: one JSON object, no line break.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SerializerOptions);
}
