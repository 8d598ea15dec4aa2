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
        return pipeline.ExecuteAsync(async ct =>
        {
            content.Position = start;
            return await inner.PutAsync(content, ct).ConfigureAwait(false);
        }, cancellationToken).AsTask();
    }

    /// <inheritdoc />
    public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(async ct => await inner.ReadAsync(key, ct).ConfigureAwait(false), cancellationToken).AsTask();

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(async ct => await inner.OpenReadAsync(key, ct).ConfigureAwait(false), cancellationToken).AsTask();

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(async ct => await inner.ExistsAsync(key, ct).ConfigureAwait(false), cancellationToken).AsTask();
}
