using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Pipeline.Storage.Results;

/// <summary>
/// Results on a local or shared file system, under <c>&lt;root&gt;/results/&lt;jobId&gt;/</c>.
/// A write fills a staging folder beside the final one (<c>results/.staging-&lt;jobId&gt;-&lt;random&gt;</c>: a dot
/// name no job id can take), fsyncs each file and the folder, then renames the folder into place. rename(2)
/// of a folder onto a missing name is atomic and fails onto an existing non-empty one, so a result appears
/// whole or not at all and the first complete write wins; a crash leaves at most a staging folder, never a
/// partial result. The first write of each store (each process that writes results) deletes the staging folders that
/// such crashes left, once they are older than <see cref="StaleStagingAge"/>.
/// </summary>
public sealed class FileSystemResultStore : IResultStore
{
    private const string StagingPrefix = ".staging-";

    /// <summary>
    /// How old a staging folder must be before a start-up purge deletes it: far longer than any write (three small
    /// files), so that the staging folder of a write in progress on another worker sharing the store is never taken.
    /// </summary>
    internal static readonly TimeSpan StaleStagingAge = TimeSpan.FromHours(1);

    private readonly StoreRoot _root;
    private int _purged;

    /// <summary>Creates the store over <see cref="FileStorageOptions.RootPath"/>.</summary>
    public FileSystemResultStore(IOptions<FileStorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _root = new StoreRoot(options.Value.RootPath);
    }

    /// <summary>Test seam: runs after each staged file is written, to simulate a failure mid-write.</summary>
    internal Func<string, Task>? AfterStagedFile { get; set; }

    /// <inheritdoc />
    public async Task<ResultWrite> WriteAsync(string jobId, ResultFiles files, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var keys = ResultKeys.For(jobId);
        if (files.Png.IsEmpty)
        {
            throw new ArgumentException("a result needs a PNG", nameof(files));
        }

        if (files.Tokens.IsEmpty)
        {
            throw new ArgumentException("a result needs its tokens", nameof(files));
        }

        EnsureJsonObject(files.MetadataJson);

        var finalDirectory = _root.Resolve(ResultKeys.ResultsFolder, jobId);
        if (Directory.Exists(finalDirectory))
        {
            return new ResultWrite(keys, Created: false);
        }

        var resultsDirectory = Path.GetDirectoryName(finalDirectory)!;
        Directory.CreateDirectory(resultsDirectory);
        if (Interlocked.Exchange(ref _purged, 1) == 0)
        {
            PurgeStaleStaging(resultsDirectory);
        }

        var staging = Path.Join(resultsDirectory, $"{StagingPrefix}{jobId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            await WriteFileAsync(Path.Join(staging, ResultKeys.ImageFileName), files.Png, cancellationToken).ConfigureAwait(false);
            await WriteFileAsync(Path.Join(staging, ResultKeys.TokensFileName), SerializeTokens(files.Tokens.Span), cancellationToken).ConfigureAwait(false);
            await WriteFileAsync(Path.Join(staging, ResultKeys.MetadataFileName), files.MetadataJson, cancellationToken).ConfigureAwait(false);
            DirectorySync.Flush(staging);
            cancellationToken.ThrowIfCancellationRequested();

            try
            {
                Directory.Move(staging, finalDirectory);
            }
            catch (IOException) when (Directory.Exists(finalDirectory))
            {
                // Another writer (a redelivered message on another worker) got there first: its result stands.
                TryDelete(staging);
                return new ResultWrite(keys, Created: false);
            }

            DirectorySync.Flush(resultsDirectory);
            return new ResultWrite(keys, Created: true);
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<StoredResult?> ReadAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var keys = ResultKeys.For(jobId);
        var directory = _root.Resolve(ResultKeys.ResultsFolder, jobId);
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var png = await File.ReadAllBytesAsync(Path.Join(directory, ResultKeys.ImageFileName), cancellationToken).ConfigureAwait(false);
        var tokensJson = await File.ReadAllBytesAsync(Path.Join(directory, ResultKeys.TokensFileName), cancellationToken).ConfigureAwait(false);
        var metadata = await File.ReadAllBytesAsync(Path.Join(directory, ResultKeys.MetadataFileName), cancellationToken).ConfigureAwait(false);
        var tokens = JsonSerializer.Deserialize<long[]>(tokensJson) ?? [];
        return new StoredResult(keys, png, tokens, metadata);
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string jobId, ResultFile file, CancellationToken cancellationToken = default)
    {
        StorageIds.EnsureJobId(jobId);
        var path = _root.Resolve(ResultKeys.ResultsFolder, jobId, ResultKeys.FileName(file));
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
    public Task<bool> ExistsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        StorageIds.EnsureJobId(jobId);
        return Task.FromResult(Directory.Exists(_root.Resolve(ResultKeys.ResultsFolder, jobId)));
    }

    /// <summary>
    /// Deletes the staging folders older than <see cref="StaleStagingAge"/> (left by a process killed mid-write).
    /// Best effort: a folder that cannot be listed or deleted now is left for the next start, and never fails the
    /// write that triggered the purge.
    /// </summary>
    private static void PurgeStaleStaging(string resultsDirectory)
    {
        var cutoff = DateTime.UtcNow - StaleStagingAge;
        try
        {
            foreach (var directory in Directory.EnumerateDirectories(resultsDirectory, StagingPrefix + "*"))
            {
                if (Directory.GetLastWriteTimeUtc(directory) < cutoff)
                {
                    TryDelete(directory);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The write that follows reports a results folder it cannot use; a purge has nothing to add.
        }
    }

    private async Task WriteFileAsync(string path, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        if (AfterStagedFile is { } hook)
        {
            await hook(path).ConfigureAwait(false);
        }
    }

    private static byte[] SerializeTokens(ReadOnlySpan<long> tokens)
    {
        using var buffer = new MemoryStream(tokens.Length * 5 + 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var token in tokens)
            {
                writer.WriteNumberValue(token);
            }

            writer.WriteEndArray();
        }

        return buffer.ToArray();
    }

    private static void EnsureJsonObject(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return;
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException("result metadata must be a JSON object", nameof(json), e);
        }

        throw new ArgumentException("result metadata must be a JSON object", nameof(json));
    }

    private static bool TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
