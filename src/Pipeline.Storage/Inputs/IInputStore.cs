namespace Pipeline.Storage.Inputs;

/// <summary>
/// Uploaded inputs (source images, masks), content-addressed by SHA-256: the key is <c>sha256:&lt;64 hex&gt;</c>,
/// the value messages carry in <c>sourceImageKey</c> / <c>maskImageKey</c>. Uploading the same bytes twice
/// yields the same key and stores one copy. Stored bytes are never changed.
/// </summary>
public interface IInputStore
{
    /// <summary>
    /// Stores <paramref name="content"/> (read to its end) and returns its key. Throws
    /// <see cref="StorageInputException"/> with <c>input_too_large</c> past the configured limit (nothing is kept)
    /// or <c>input_empty</c> for no bytes. A seekable stream can be retried by the resilience pipeline; a
    /// non-seekable one is read once.
    /// </summary>
    Task<StoredInput> PutAsync(Stream content, CancellationToken cancellationToken = default);

    /// <summary>The stored bytes, or null when no input has this key. Throws <see cref="StorageInputException"/> for a malformed key.</summary>
    Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Opens the stored bytes for streaming, or null when absent. The caller disposes the stream.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>True when an input with this key is stored.</summary>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);
}
