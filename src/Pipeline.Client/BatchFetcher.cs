using System.Text.Json;
using Pipeline.Contracts;

namespace Pipeline.Client;

/// <summary>
/// Downloads a batch's results into a folder: <c>&lt;jobId&gt;.png</c> per succeeded job, and <c>jobs.jsonl</c>
/// with every job's status (and failure reason). Each file is written under a temporary name and renamed, so an
/// interrupted fetch leaves no half file, and a PNG already there is skipped: running it again resumes.
/// </summary>
public sealed class BatchFetcher(PipelineApiClient client)
{
    /// <summary>Jobs listed per request. Default 500.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Fetches <paramref name="batchId"/> into <paramref name="directory"/> (created when missing).</summary>
    public async Task<FetchSummary> FetchAsync(string batchId, string directory, IProgress<FetchSummary>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var summary = new FetchSummary();
        var statuses = new List<BatchJob>();
        string? after = null;
        do
        {
            var page = await client.ListBatchJobsAsync(batchId, after, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var job in page.Jobs)
            {
                statuses.Add(job);
                summary = await FetchJobAsync(job, directory, summary, cancellationToken).ConfigureAwait(false);
                progress?.Report(summary);
            }

            after = page.Next;
        }
        while (after is not null);

        var lines = statuses.Select(s => JsonSerializer.Serialize(s, ContractJson.Options));
        await WriteAtomicallyAsync(Path.Join(directory, "jobs.jsonl"),
            async stream =>
            {
                await using var writer = new StreamWriter(stream, leaveOpen: true);
                foreach (var line in lines)
                {
                    await writer.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        return summary;
    }

    private async Task<FetchSummary> FetchJobAsync(BatchJob job, string directory, FetchSummary summary, CancellationToken cancellationToken)
    {
        if (!string.Equals(job.Status, "succeeded", StringComparison.Ordinal))
        {
            return job.Status is "failed" or "canceled" ? summary with { NotSucceeded = summary.NotSucceeded + 1 } : summary with { Pending = summary.Pending + 1 };
        }

        if (!JobIds.IsValid(job.JobId))
        {
            throw new PipelineApiException(System.Net.HttpStatusCode.OK, $"the API listed a malformed job id '{job.JobId}'", null);
        }

        var path = Path.Join(directory, job.JobId + ".png");
        if (File.Exists(path))
        {
            return summary with { Skipped = summary.Skipped + 1 };
        }

        var found = false;
        await WriteAtomicallyAsync(path, async stream =>
        {
            found = await client.DownloadResultAsync(job.JobId, stream, cancellationToken).ConfigureAwait(false);
            return found;
        }, cancellationToken).ConfigureAwait(false);
        return found ? summary with { Downloaded = summary.Downloaded + 1 } : summary with { Missing = summary.Missing + 1 };
    }

    private static Task WriteAtomicallyAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken) =>
        WriteAtomicallyAsync(path, async stream =>
        {
            await write(stream).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static async Task WriteAtomicallyAsync(string path, Func<Stream, Task<bool>> write, CancellationToken cancellationToken)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            bool keep;
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                keep = await write(stream).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            if (keep)
            {
                File.Move(temporary, path, overwrite: true);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}

/// <summary>What a fetch did.</summary>
public sealed record FetchSummary
{
    /// <summary>PNGs downloaded now.</summary>
    public int Downloaded { get; init; }

    /// <summary>PNGs already in the folder.</summary>
    public int Skipped { get; init; }

    /// <summary>Jobs that failed or were canceled (no result to fetch).</summary>
    public int NotSucceeded { get; init; }

    /// <summary>Jobs not ended yet.</summary>
    public int Pending { get; init; }

    /// <summary>Succeeded jobs whose result the API did not have (404).</summary>
    public int Missing { get; init; }
}
