using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;

namespace Pipeline.Storage.Inputs;

/// <summary>
/// Uploaded inputs under <c>&lt;root&gt;/inputs/sha256/&lt;first 2 hex&gt;/&lt;64 hex&gt;</c>. An upload is hashed while
/// it streams into a temp file in <c>inputs/</c> (so an oversized upload is cut off at the limit, never buffered
/// whole), fsynced, then moved into place without replacing: the same bytes uploaded twice, even at once, end
/// as one file, and a stored input never changes.
/// </summary>
public sealed class FileSystemInputStore : IInputStore
{
    private const string InputsFolder = "inputs";
    private const string HashFolder = "sha256";
    private readonly StoreRoot _root;
    private readonly long _maxBytes;

    /// <summary>Creates the store over <see cref="FileStorageOptions.RootPath"/> with <see cref="FileStorageOptions.MaxInputBytes"/>.</summary>
    public FileSystemInputStore(IOptions<FileStorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = new StoreRoot(options.Value.RootPath);
        _maxBytes = options.Value.MaxInputBytes;
    }

    /// <inheritdoc />
    public async Task<StoredInput> PutAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var inputs = Path.Join(_root.FullPath, InputsFolder);
        Directory.CreateDirectory(inputs);
        var temp = Path.Join(inputs, $".upload-{Guid.NewGuid():N}");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    length += read;
                    if (length > _maxBytes)
                    {
                        throw new StorageInputException(StorageInputException.InputTooLarge,
                            $"the upload exceeds the limit of {_maxBytes} bytes");
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                if (length == 0)
                {
                    throw new StorageInputException(StorageInputException.InputEmpty, "the upload is empty");
                }

                file.Flush(flushToDisk: true);
            }

            var hex = Convert.ToHexStringLower(hash.GetHashAndReset());
            var final = PathFor(hex);
            var shard = Path.GetDirectoryName(final)!;
            Directory.CreateDirectory(shard);
            var created = true;
            try
            {
                File.Move(temp, final, overwrite: false);
                DirectorySync.Flush(shard);
            }
            catch (IOException) when (File.Exists(final))
            {
                created = false; // the same bytes are already stored: content addressing makes them identical
            }

            return new StoredInput(InputKeys.Prefix + hex, length, created);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <inheritdoc />
    public async Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathForKey(key);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathForKey(key);
        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
            return Task.FromResult<Stream?>(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(PathForKey(key)));

    private string PathForKey(string key)
    {
        StorageIds.EnsureInputKey(key);
        return PathFor(key[InputKeys.Prefix.Length..]);
    }

    private string PathFor(string hex) => _root.Resolve(InputsFolder, HashFolder, hex[..2], hex);
}
