using System.Collections.Concurrent;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Results;

namespace Pipeline.Worker.Tests.Fakes;

/// <summary>Write-once results in memory.</summary>
internal sealed class InMemoryResultStore : IResultStore
{
    private readonly ConcurrentDictionary<string, StoredResult> _results = new(StringComparer.Ordinal);

    public int Writes => _results.Count;

    public Task<ResultWrite> WriteAsync(string jobId, ResultFiles files, CancellationToken cancellationToken = default)
    {
        var keys = ResultKeys.For(jobId);
        var created = _results.TryAdd(jobId, new StoredResult(keys, files.Png.ToArray(), files.Tokens.ToArray(), files.MetadataJson.ToArray()));
        return Task.FromResult(new ResultWrite(keys, created));
    }

    public Task<StoredResult?> ReadAsync(string jobId, CancellationToken cancellationToken = default) => Task.FromResult(_results.GetValueOrDefault(jobId));

    public Task<Stream?> OpenReadAsync(string jobId, ResultFile file, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<bool> ExistsAsync(string jobId, CancellationToken cancellationToken = default) => Task.FromResult(_results.ContainsKey(jobId));
}

/// <summary>No inputs stored: every key is missing.</summary>
internal sealed class EmptyInputStore : IInputStore
{
    public Task<StoredInput> PutAsync(Stream content, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult<byte[]?>(null);

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult<Stream?>(null);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(false);
}
