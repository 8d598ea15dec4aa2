using Pipeline.Storage.Results;
using Polly;

namespace Pipeline.Storage.Resilience;

/// <summary>Runs every call of an <see cref="IResultStore"/> through the storage pipeline (writes are idempotent, so retrying them is safe).</summary>
public sealed class ResilientResultStore(IResultStore inner, ResiliencePipeline pipeline) : IResultStore
{
    /// <inheritdoc />
    public Task<ResultWrite> WriteAsync(string jobId, ResultFiles files, CancellationToken cancellationToken = default) =>
        pipeline.RunAsync("results", ct => inner.WriteAsync(jobId, files, ct), cancellationToken);

    /// <inheritdoc />
    public Task<StoredResult?> ReadAsync(string jobId, CancellationToken cancellationToken = default) =>
        pipeline.RunAsync("results", ct => inner.ReadAsync(jobId, ct), cancellationToken);

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string jobId, ResultFile file, CancellationToken cancellationToken = default) =>
        pipeline.RunAsync("results", ct => inner.OpenReadAsync(jobId, file, ct), cancellationToken);

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string jobId, CancellationToken cancellationToken = default) =>
        pipeline.RunAsync("results", ct => inner.ExistsAsync(jobId, ct), cancellationToken);
}
