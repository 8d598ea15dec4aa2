using Pipeline.Api.Tenancy;
using Pipeline.Storage.Jobs;

namespace Pipeline.Api.Submission;

/// <summary>A job as <c>GET /v1/jobs/{id}</c> shows it.</summary>
public sealed record JobView
{
    public required string JobId { get; init; }
    public string? BatchId { get; init; }
    public required string Kind { get; init; }
    public required string Priority { get; init; }

    /// <summary><c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>canceled</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Steps done and steps the job will use (0 until the engine admitted it).</summary>
    public required JobProgressView Progress { get; init; }

    /// <summary>Steps used, once succeeded (lower than requested under backlog).</summary>
    public int? StepsUsed { get; init; }

    /// <summary>How many times a worker started it.</summary>
    public int Attempts { get; init; }

    /// <summary>Why it failed (or the cancel reason).</summary>
    public JobErrorView? Error { get; init; }

    public required DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>
    /// The W3C trace id (32 hex digits) the job was submitted under: open it in the tracing UI to follow the job from this
    /// request through the queue to the worker (docs/operations.md, "Following one job's trace"); null when none was active.
    /// </summary>
    public string? TraceId { get; init; }

    /// <summary>This resource.</summary>
    public required string StatusUrl { get; init; }

    /// <summary>The PNG, once succeeded.</summary>
    public string? ResultUrl { get; init; }

    /// <summary>The result metadata (pack, seed, steps, timings), once succeeded.</summary>
    public string? MetadataUrl { get; init; }

    /// <summary>
    /// The view of <paramref name="record"/> for <paramref name="caller"/>: ids as the caller knows them (its own ids for its
    /// tenant's jobs, stored ids for an admin looking at another tenant's); null shows stored ids.
    /// </summary>
    public static JobView From(JobRecord record, TenantCaller? caller = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var jobId = caller?.ViewId(record.JobId) ?? record.JobId;
        var url = JobEndpointsPaths.Job(jobId);
        var succeeded = record.Status == JobStatus.Succeeded;
        return new JobView
        {
            JobId = jobId,
            BatchId = record.BatchId is { } batchId && caller is not null ? caller.ViewId(batchId) : record.BatchId,
            Kind = record.Kind,
            Priority = record.Priority,
            Status = record.Status.ToText(),
            Progress = new JobProgressView(record.ProgressStep, record.ProgressSteps),
            StepsUsed = record.StepsUsed,
            Attempts = record.Attempts,
            Error = record.ErrorCode is null && record.ErrorMessage is null ? null
                : new JobErrorView(record.ErrorCode, record.ErrorMessage, record.ErrorRetryable),
            SubmittedAt = record.SubmittedAt,
            StartedAt = record.StartedAt,
            FinishedAt = record.FinishedAt,
            TraceId = record.TraceId,
            StatusUrl = url,
            ResultUrl = succeeded ? url + "/result" : null,
            MetadataUrl = succeeded ? url + "/metadata" : null,
        };
    }
}

/// <summary>Progress of a job.</summary>
public sealed record JobProgressView(int Step, int Steps);

/// <summary>A failure or cancel reason.</summary>
public sealed record JobErrorView(string? Code, string? Message, bool? Retryable);

/// <summary>The URLs of jobs and batches.</summary>
public static class JobEndpointsPaths
{
    public static string Job(string jobId) => $"/v1/jobs/{Uri.EscapeDataString(jobId)}";

    public static string Batch(string batchId) => $"/v1/batches/{Uri.EscapeDataString(batchId)}";
}
