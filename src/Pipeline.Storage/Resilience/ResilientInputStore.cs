using Pipeline.Storage.Inputs;
using Polly;

namespace Pipeline.Storage.Resilience;

/// <summary>
/// Runs every call of an <see cref="IInputStore"/> through the storage pipeline. An upload is retried only when
/// its stream can seek back to where it started; a non-seekable stream gets one attempt, since a retry would
/// store the remainder under the wrong hash.
/// </summary>
public sealed class ResilientInputStore(IInputStore inner, ResiliencePipeline pipeline) : IInputStore
{
    /// <inheritdoc />
    public Task<StoredInput> PutAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek)
        {
            return inner.PutAsync(content, cancellationToken);
        }

        var start = content.Position;
        return pipeline.RunAsync("inputs", ct =>
        {
            content.Position = start;
            return inner.PutAsync(content, ct);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default) =>
        pipeline.RunAsync("inputs", ct => inner.ReadAsync(key, ct), cancellationToken);

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        pipeline.RunAsync("inputs", ct => inner.OpenReadAsync(key, ct), cancellationToken);

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        pipeline.RunAsync("inputs", ct => inner.ExistsAsync(key, ct), cancellationToken);
}
