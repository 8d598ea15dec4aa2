using System.Globalization;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;

namespace Pipeline.Api.Submission;

/// <summary>
/// Whether a repeated <c>POST /v1/batches</c> asks for the batch already recorded under its id, checked before anything is
/// written so a conflicting repeat changes nothing: the same number of jobs, the same callback URL, the same job ids, and
/// each recorded job's request the same as the new item's (<see cref="SubmitJobComparison"/>). Jobs of the batch not
/// recorded yet (a first attempt cut short) are no conflict: the repeat records them.
/// </summary>
public static class BatchConflicts
{
    /// <summary>
    /// The differing fields (<c>jobs</c>, <c>callbackUrl</c>, <c>jobs[i].field</c>) between <paramref name="recorded"/> and
    /// the new submission; empty when it is the same batch or <paramref name="recorded"/> is open-ended (created by a job
    /// naming it, never submitted as a batch).
    /// </summary>
    public static async Task<IReadOnlyList<string>> FindAsync(IJobStore jobs, BatchRecord recorded, IReadOnlyList<SubmitJob> messages,
        Uri? callbackUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(messages);
        var fields = new List<string>();
        if (recorded.ExpectedJobs is not { } expected)
        {
            return fields;
        }

        // A batch holds at most SubmitBatch.MaxJobs jobs, so one page holds all of them.
        var recordedJobs = (await jobs.ListBatchJobsAsync(recorded.BatchId, null, SubmitBatch.MaxJobs, cancellationToken).ConfigureAwait(false))
            .ToDictionary(job => job.JobId, StringComparer.Ordinal);
        if (expected != messages.Count || recordedJobs.Keys.Except(messages.Select(m => m.JobId), StringComparer.Ordinal).Any())
        {
            fields.Add("jobs");
        }

        if (!SubmitJobComparison.SameUrl(recorded.CallbackUrl, callbackUrl))
        {
            fields.Add("callbackUrl");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (recordedJobs.TryGetValue(messages[i].JobId, out var job))
            {
                fields.AddRange(SubmitJobComparison.DifferingFields(job.ReadRequest(), messages[i]).Select(field => ItemField(i, field)));
            }
        }

        return fields;
    }

    /// <summary>
    /// The items whose job id already names a job outside batch <paramref name="batchId"/> (submitted alone or in another
    /// batch), with that job's batch (null: submitted alone). Recording such a batch would refuse those items after
    /// recording the others, leaving a batch that expects jobs it can never hold: it is refused whole instead, before
    /// anything is written. Only <paramref name="clientNamed"/> items are looked up: an id derived from the batch id
    /// (<c>&lt;batchId&gt;.&lt;i&gt;</c>) names a job of this batch, and a race with another submission is still caught while recording.
    /// </summary>
    public static async Task<IReadOnlyList<(int Index, string JobId, string? OtherBatchId)>> FindJobsOfOtherBatchesAsync(IJobStore jobs,
        string batchId, IReadOnlyList<SubmitJob> messages, IEnumerable<int> clientNamed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(clientNamed);
        var found = new List<(int, string, string?)>();
        foreach (var i in clientNamed)
        {
            var existing = await jobs.GetAsync(messages[i].JobId, cancellationToken).ConfigureAwait(false);
            if (existing is not null && !string.Equals(existing.BatchId, batchId, StringComparison.Ordinal))
            {
                found.Add((i, messages[i].JobId, existing.BatchId));
            }
        }

        return found;
    }

    /// <summary>The name of <paramref name="field"/> of the batch's item <paramref name="index"/>: <c>jobs[3].seed</c>.</summary>
    public static string ItemField(int index, string field) => string.Create(CultureInfo.InvariantCulture, $"jobs[{index}].{field}");
}
