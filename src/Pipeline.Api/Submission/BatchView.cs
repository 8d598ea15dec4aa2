using Pipeline.Api.Tenancy;
using Pipeline.Storage.Jobs;

namespace Pipeline.Api.Submission;

/// <summary>A batch as <c>GET /v1/batches/{id}</c> shows it.</summary>
public sealed record BatchView
{
    public required string BatchId { get; init; }

    /// <summary><c>open</c> or <c>completed</c>.</summary>
    public required string Status { get; init; }

    public int? ExpectedJobs { get; init; }
    public required BatchCounts Counts { get; init; }
    public int Total => Counts.Total;
    public required DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public required string StatusUrl { get; init; }

    /// <summary>Each job's id and status URL, in request order; only in the answer to the submission.</summary>
    public IReadOnlyList<BatchItemView>? Jobs { get; init; }

    /// <summary>The view of <paramref name="record"/>, its id as <paramref name="caller"/> knows it (<see cref="JobView.From"/>).</summary>
    public static BatchView From(BatchRecord record, IReadOnlyList<BatchItemView>? jobs = null, TenantCaller? caller = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var batchId = caller?.ViewId(record.BatchId) ?? record.BatchId;
        return new BatchView
        {
            BatchId = batchId,
            Status = record.Status == BatchStatus.Completed ? "completed" : "open",
            ExpectedJobs = record.ExpectedJobs,
            Counts = record.Counts,
            SubmittedAt = record.SubmittedAt,
            CompletedAt = record.CompletedAt,
            StatusUrl = JobEndpointsPaths.Batch(batchId),
            Jobs = jobs,
        };
    }
}

/// <summary>One job of a submitted batch.</summary>
public sealed record BatchItemView(string JobId, string StatusUrl);
