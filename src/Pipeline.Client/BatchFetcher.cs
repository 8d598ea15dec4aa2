using Pipeline.Contracts;

namespace Pipeline.Client;

/// <summary>
/// Downloads batches' results into a folder: <c>&lt;jobId&gt;.png</c> per succeeded job, and <c>jobs.jsonl</c> with
/// one <see cref="FetchedJobLine"/> per job (the API's view of it: status, kind, steps used, error) with <c>file</c>, the
/// PNG's name when the folder holds it. Each file is written under a temporary name and renamed, so an interrupted fetch leaves no half
/// file, and a PNG already there is skipped: running it again resumes.
/// </summary>
public sealed class BatchFetcher(PipelineApiClient client)
{
    /// <summary>The name of the job list written into the folder.</summary>
    public const string JobsFileName = "jobs.jsonl";

    /// <summary>Jobs listed per request, 1 to 1000. Default 500.</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Downloads in flight at once. Default 4.</summary>
    public int MaxParallelDownloads { get; init; } = 4;

    /// <summary>Fetches <paramref name="batchId"/> into <paramref name="directory"/> (created when missing).</summary>
    public Task<FetchSummary> FetchAsync(string batchId, string directory, IProgress<FetchSummary>? progress = null,
        CancellationToken cancellationToken = default) =>
        FetchAsync([batchId], directory, progress, cancellationToken);

    /// <summary>
    /// Fetches every batch of <paramref name="batchIds"/> into one folder (created when missing); <c>jobs.jsonl</c>
    /// lists the jobs of all of them, batch by batch in job-id order. An unknown batch is a 404
    /// <see cref="PipelineApiException"/>.
    /// </summary>
    public async Task<FetchSummary> FetchAsync(IReadOnlyList<string> batchIds, string directory, IProgress<FetchSummary>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batchIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxParallelDownloads, 1);
        Directory.CreateDirectory(directory);
        var counter = new Counter();
        var lines = new List<string>();
        foreach (var batchId in batchIds)
        {
            string? after = null;
            do
            {
                var page = await client.ListBatchJobsAsync(batchId, after, PageSize, cancellationToken).ConfigureAwait(false);
                var files = new string?[page.Jobs.Count];
                await Parallel.ForEachAsync(Enumerable.Range(0, page.Jobs.Count),
                    new ParallelOptions { MaxDegreeOfParallelism = MaxParallelDownloads, CancellationToken = cancellationToken },
                    async (i, ct) =>
                    {
                        files[i] = await FetchJobAsync(page.Jobs[i], directory, counter, ct).ConfigureAwait(false);
                        progress?.Report(counter.Snapshot());
                    }).ConfigureAwait(false);
                for (var i = 0; i < page.Jobs.Count; i++)
                {
                    lines.Add(FetchedJobLine.From(page.Jobs[i], files[i]).ToJson());
                }

                after = page.Jobs.Count == 0 ? null : page.Next;
            }
            while (after is not null);
        }

        await WriteAtomicallyAsync(Path.Join(directory, JobsFileName), async stream =>
        {
            var writer = new StreamWriter(stream, leaveOpen: true);
            await using (writer.ConfigureAwait(false))
            {
                foreach (var line in lines)
                {
                    await writer.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
                }
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);
        return counter.Snapshot();
    }

    /// <summary>Downloads one job's PNG unless it is there; returns the file name when the folder holds it.</summary>
    private async Task<string?> FetchJobAsync(BatchJob job, string directory, Counter counter, CancellationToken cancellationToken)
    {
        if (!job.IsSucceeded)
        {
            Interlocked.Increment(ref job.IsEnded ? ref counter.NotSucceeded : ref counter.Pending);
            return null;
        }

        if (!JobIds.IsValid(job.JobId))
        {
            throw new PipelineApiException(System.Net.HttpStatusCode.OK, $"the API listed a malformed job id '{job.JobId}'", null);
        }

        var name = job.JobId + ".png";
        var path = Path.Join(directory, name);
        if (File.Exists(path))
        {
            Interlocked.Increment(ref counter.Skipped);
            return name;
        }

        var found = await WriteAtomicallyAsync(path,
            stream => client.DownloadResultAsync(job.JobId, stream, cancellationToken), cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref found ? ref counter.Downloaded : ref counter.Missing);
        return found ? name : null;
    }

    /// <summary>Writes through a temporary file renamed to <paramref name="path"/> when <paramref name="write"/> returns true.</summary>
    private static async Task<bool> WriteAtomicallyAsync(string path, Func<Stream, Task<bool>> write, CancellationToken cancellationToken)
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

            return keep;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private sealed class Counter
    {
        public int Downloaded;
        public int Skipped;
        public int NotSucceeded;
        public int Pending;
        public int Missing;

        public FetchSummary Snapshot() => new()
        {
            Downloaded = Volatile.Read(ref Downloaded),
            Skipped = Volatile.Read(ref Skipped),
            NotSucceeded = Volatile.Read(ref NotSucceeded),
            Pending = Volatile.Read(ref Pending),
            Missing = Volatile.Read(ref Missing),
        };
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

    /// <summary>Jobs listed.</summary>
    public int Jobs => Downloaded + Skipped + NotSucceeded + Pending + Missing;

    /// <summary>True when the folder holds a PNG for every job listed.</summary>
    public bool IsComplete => NotSucceeded == 0 && Pending == 0 && Missing == 0;
}
