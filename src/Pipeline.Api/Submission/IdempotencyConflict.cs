using Microsoft.AspNetCore.Http.HttpResults;

namespace Pipeline.Api.Submission;

/// <summary>
/// The 409 for an id (or Idempotency-Key) reused with a different request, as payment APIs answer it: the id keeps naming
/// the request first recorded under it, nothing new is recorded or queued, and the answer names the fields that differ
/// (the <c>fields</c> extension; <see cref="Pipeline.Contracts.SubmitJobComparison"/> says what counts as different).
/// </summary>
public static class IdempotencyConflict
{
    /// <summary>The <c>code</c> extension of the problem.</summary>
    public const string Code = "idempotency_conflict";

    /// <summary>The problem for job <paramref name="jobId"/>.</summary>
    public static ProblemHttpResult ForJob(string jobId, IReadOnlyList<string> fields) =>
        Problem($"job '{jobId}' was submitted before with a different request ({Describe(fields)})", fields);

    /// <summary>
    /// The problem for batch <paramref name="batchId"/>; fields of its jobs read <c>jobs[i].field</c>, and <c>jobs</c> alone
    /// means the batch's set of jobs differs. <paramref name="othersRecorded"/>: the conflict was found while recording
    /// (a concurrent submission, or an item whose id belongs to another job), so the batch's other jobs are recorded.
    /// </summary>
    public static ProblemHttpResult ForBatch(string batchId, IReadOnlyList<string> fields, bool othersRecorded) =>
        Problem($"batch '{batchId}' was submitted before with different content ({Describe(fields)})"
            + (othersRecorded ? "; its jobs without a conflict are recorded" : ""), fields);

    /// <summary>
    /// The problem for batch <paramref name="batchId"/> whose items name jobs that exist outside it (ids as the caller
    /// sees them; <c>OtherBatchId</c> null for a job submitted alone); nothing of the batch was recorded.
    /// </summary>
    public static ProblemHttpResult ForJobsOfOtherBatches(string batchId, IReadOnlyList<(int Index, string JobId, string? OtherBatchId)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var fields = items.Select(item => BatchConflicts.ItemField(item.Index, "jobId")).ToList();
        var named = string.Join("; ", items.Take(5).Select(item =>
            $"{BatchConflicts.ItemField(item.Index, "jobId")} '{item.JobId}' is a job of "
            + (item.OtherBatchId is null ? "its own (submitted alone)" : $"batch '{item.OtherBatchId}'")))
            + (items.Count > 5 ? $"; and {items.Count - 5} more" : "");
        return TypedResults.Problem(
            $"batch '{batchId}' names jobs that already exist outside it: {named}. Nothing of the batch was recorded. Give those items "
            + "new jobIds, or leave jobId out to have one derived from the batch id.",
            statusCode: StatusCodes.Status409Conflict,
            title: "Job id of another batch",
            extensions: new Dictionary<string, object?> { ["code"] = Code, ["fields"] = fields });
    }

    private static ProblemHttpResult Problem(string what, IReadOnlyList<string> fields) =>
        TypedResults.Problem(
            $"{what}. An id names one request: send the same request again to get the existing one, or use a new id.",
            statusCode: StatusCodes.Status409Conflict,
            title: "Id reused with a different request",
            extensions: new Dictionary<string, object?> { ["code"] = Code, ["fields"] = fields });

    private static string Describe(IReadOnlyList<string> fields) =>
        fields.Count == 1 ? $"{fields[0]} differs" : $"{string.Join(", ", fields)} differ";
}
