using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Storage.Jobs;

/// <summary>A job as stored.</summary>
public sealed record JobRecord
{
    /// <summary>The job id.</summary>
    public required string JobId { get; init; }

    /// <summary>The batch, or null.</summary>
    public string? BatchId { get; init; }

    /// <summary>The kind (<see cref="JobKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>The status.</summary>
    public required JobStatus Status { get; init; }

    /// <summary>The priority class (<see cref="JobPriorities"/>).</summary>
    public required string Priority { get; init; }

    /// <summary>The request JSON as recorded.</summary>
    public required string RequestJson { get; init; }

    /// <summary>Steps done so far (0 until progress is reported; the steps used once succeeded).</summary>
    public int ProgressStep { get; init; }

    /// <summary>Steps the job will use, once known; otherwise 0.</summary>
    public int ProgressSteps { get; init; }

    /// <summary>Steps used, once succeeded.</summary>
    public int? StepsUsed { get; init; }

    /// <summary>The result key (<c>results/&lt;jobId&gt;</c>), once succeeded.</summary>
    public string? ResultKey { get; init; }

    /// <summary>The failure code, once failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The failure message, once failed; or the cancel reason, once canceled.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Whether the failure was transient, once failed.</summary>
    public bool? ErrorRetryable { get; init; }

    /// <summary>How many times a worker started the job.</summary>
    public int Attempts { get; init; }

    /// <summary>When the producer submitted it (or when it was recorded).</summary>
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>When it was recorded.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When a worker first started it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it reached its terminal status.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When the record last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The worker that holds the job's lease, or held it last (so, once ended, the worker that ran it); null before any.</summary>
    public string? LeasedBy { get; init; }

    /// <summary>
    /// Until when <see cref="LeasedBy"/> holds the lease unless it renews it; null when no worker holds it (not started,
    /// given back, failed, canceled, or succeeded and announced). See <see cref="IJobStore.TryLeaseAsync"/>.
    /// </summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>The trace it was submitted under (W3C trace id, 32 hex digits), or null (none was active, or recorded before traces were kept).</summary>
    public string? TraceId { get; init; }

    /// <summary>The recorded request as a message, read with <see cref="ContractJson.Options"/>.</summary>
    public SubmitJob ReadRequest() =>
        JsonSerializer.Deserialize<SubmitJob>(RequestJson, ContractJson.Options)
        ?? throw new JsonException($"job {JobId} has a null request");
}
