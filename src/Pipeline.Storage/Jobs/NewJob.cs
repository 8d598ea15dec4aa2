using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Storage.Jobs;

/// <summary>A job to record. Build it from the message with <see cref="From"/>.</summary>
public sealed record NewJob
{
    /// <summary>The job id (idempotency key).</summary>
    public required string JobId { get; init; }

    /// <summary>The batch, or null.</summary>
    public string? BatchId { get; init; }

    /// <summary>The kind as in the message (<see cref="JobKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>The priority class as in the message (<see cref="JobPriorities"/>).</summary>
    public required string Priority { get; init; }

    /// <summary>The whole request as JSON (stored as <c>jsonb</c>), so a job can be audited or rerun.</summary>
    public required string RequestJson { get; init; }

    /// <summary>When the producer submitted it; null: the store's clock at insert.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The trace the job was submitted under (32 hex digits), or null: the job's trace in a tracing UI.</summary>
    public string? TraceId { get; init; }

    /// <summary>The record for a <see cref="SubmitJob"/> message, its JSON written with <see cref="ContractJson.Options"/>.</summary>
    public static NewJob From(SubmitJob message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new NewJob
        {
            JobId = message.JobId,
            BatchId = message.BatchId,
            Kind = message.Kind,
            Priority = message.Priority,
            RequestJson = JsonSerializer.Serialize(message, ContractJson.Options),
            SubmittedAt = message.SubmittedAt,
        };
    }
}
