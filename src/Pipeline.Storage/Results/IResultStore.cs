namespace Pipeline.Storage.Results;

/// <summary>
/// Job results (PNG, tokens, metadata) addressed by job id: <c>results/&lt;jobId&gt;/image.png</c>,
/// <c>tokens.json</c>, <c>metadata.json</c>. A result appears whole or not at all, and is written once: a second
/// write for the same job id is a no-op that reports <see cref="ResultWrite.Created"/> = false. Malformed job ids
/// throw <see cref="StorageInputException"/> (code <c>invalid_job_id</c>).
/// </summary>
public interface IResultStore
{
    /// <summary>Stores a job's result atomically unless one is already stored; safe to call again after a crash or redelivery.</summary>
    Task<ResultWrite> WriteAsync(string jobId, ResultFiles files, CancellationToken cancellationToken = default);

    /// <summary>The stored result, or null when the job has none (yet).</summary>
    Task<StoredResult?> ReadAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Opens one file of a stored result for streaming (e.g. an HTTP response), or null when there is none. The caller disposes it.</summary>
    Task<Stream?> OpenReadAsync(string jobId, ResultFile file, CancellationToken cancellationToken = default);

    /// <summary>True when the job's result is stored.</summary>
    Task<bool> ExistsAsync(string jobId, CancellationToken cancellationToken = default);
}
