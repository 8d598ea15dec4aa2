using System.Text;
using Pipeline.Storage.Results;

namespace Pipeline.Storage.Tests;

public sealed class ResultStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FileSystemResultStore _store;

    public ResultStoreTests() => _store = new FileSystemResultStore(_folder.Options());

    public void Dispose() => _folder.Dispose();

    private static ResultFiles Files(byte marker = 1) => new(
        new byte[] { 0x89, 0x50, 0x4E, 0x47, marker },
        new long[] { 3, 1, 4, 1, 5, 9, 1023 },
        Encoding.UTF8.GetBytes($$"""{"jobId":"j","seed":{{marker}}}"""));

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("../escape")]
    [InlineData("a/../../escape")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("/etc")]
    [InlineData("/tmp/x")]
    [InlineData("C:\\x")]
    [InlineData("a\0b")]
    [InlineData("a\nb")]
    [InlineData("a\u001fb")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(".staging-x")]
    public async Task WriteAsync_TraversalOrMalformedJobId_RejectedAndNothingWritten(string jobId)
    {
        var error = await Assert.ThrowsAsync<StorageInputException>(() => _store.WriteAsync(jobId, Files()));

        Assert.Equal(StorageInputException.InvalidJobId, error.Code);
        Assert.Empty(_folder.Files());
        await Assert.ThrowsAsync<StorageInputException>(() => _store.ReadAsync(jobId));
        await Assert.ThrowsAsync<StorageInputException>(() => _store.OpenReadAsync(jobId, ResultFile.Image));
        await Assert.ThrowsAsync<StorageInputException>(() => _store.ExistsAsync(jobId));
    }

    [Fact]
    public async Task WriteAsync_ThenRead_ReturnsTheSameFilesAtJobAddressedPaths()
    {
        var write = await _store.WriteAsync("job-1", Files());
        var read = await _store.ReadAsync("job-1");

        Assert.True(write.Created);
        Assert.Equal(ResultKeys.For("job-1"), write.Keys);
        Assert.Equal("results/job-1/image.png", write.Keys.ImageKey);
        Assert.Equal(["store/results/job-1/image.png", "store/results/job-1/metadata.json", "store/results/job-1/tokens.json"], _folder.Files());
        Assert.NotNull(read);
        Assert.Equal(Files().Png.ToArray(), read.Png);
        Assert.Equal(Files().Tokens.ToArray(), read.Tokens);
        Assert.Equal(Files().MetadataJson.ToArray(), read.MetadataJson);
        Assert.Equal("[3,1,4,1,5,9,1023]", File.ReadAllText(Path.Combine(_folder.Path, "store/results/job-1/tokens.json")));
        Assert.True(await _store.ExistsAsync("job-1"));
    }

    [Fact]
    public async Task WriteAsync_SameJobTwice_SecondIsANoOpAndTheFirstResultStands()
    {
        await _store.WriteAsync("job-1", Files(marker: 1));

        var second = await _store.WriteAsync("job-1", Files(marker: 2));

        Assert.False(second.Created);
        Assert.Equal(Files(marker: 1).Png.ToArray(), (await _store.ReadAsync("job-1"))!.Png);
        Assert.Equal(3, _folder.Files().Count);
    }

    [Fact]
    public async Task WriteAsync_ConcurrentWritersOfOneJob_ExactlyOneCreatesAndNoStagingRemains()
    {
        var writes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => _store.WriteAsync("job-1", Files((byte)i)))));

        Assert.Single(writes, w => w.Created);
        Assert.Equal(3, _folder.Files().Count);
        var read = await _store.ReadAsync("job-1");
        Assert.NotNull(read);
        Assert.Equal(read.Png[^1], (byte)System.Text.Json.JsonDocument.Parse(read.MetadataJson).RootElement.GetProperty("seed").GetInt32());
    }

    [Fact]
    public async Task WriteAsync_FailsAfterFirstFile_LeavesNoPartialResultAndCanBeRetried()
    {
        var calls = 0;
        _store.AfterStagedFile = _ => ++calls == 1 ? throw new IOException("disk full") : Task.CompletedTask;

        await Assert.ThrowsAsync<IOException>(() => _store.WriteAsync("job-1", Files()));

        Assert.Empty(_folder.Files());
        Assert.False(await _store.ExistsAsync("job-1"));
        Assert.Null(await _store.ReadAsync("job-1"));
        Assert.Null(await _store.OpenReadAsync("job-1", ResultFile.Image));

        var retry = await _store.WriteAsync("job-1", Files());
        Assert.True(retry.Created);
        Assert.Equal(3, _folder.Files().Count);
    }

    [Fact]
    public async Task WriteAsync_CanceledMidWrite_LeavesNoPartialResult()
    {
        using var cancel = new CancellationTokenSource();
        _store.AfterStagedFile = _ =>
        {
            cancel.Cancel();
            return Task.CompletedTask;
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.WriteAsync("job-1", Files(), cancel.Token));

        Assert.Empty(_folder.Files());
    }

    [Fact]
    public async Task WriteAsync_FirstOfTheProcess_PurgesOnlyStagingFoldersACrashLeftOverAnHourAgo()
    {
        // What a worker killed mid-write leaves, a write in progress on another worker, and an old finished result.
        await new FileSystemResultStore(_folder.Options()).WriteAsync("old-job", Files());
        var results = Path.Combine(_folder.Path, "store", "results");
        var abandoned = Staging(results, ".staging-crashed-1", age: FileSystemResultStore.StaleStagingAge + TimeSpan.FromMinutes(1));
        var inProgress = Staging(results, ".staging-writing-2", age: TimeSpan.FromMinutes(1));
        Directory.SetLastWriteTimeUtc(Path.Combine(results, "old-job"), DateTime.UtcNow.AddDays(-1));

        var write = await _store.WriteAsync("job-1", Files());

        Assert.True(write.Created);
        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(inProgress));
        Assert.True(await _store.ExistsAsync("old-job"));
        Assert.Equal([".staging-writing-2", "job-1", "old-job"], Directory.GetDirectories(results).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>A staging folder holding one file, last written <paramref name="age"/> ago.</summary>
    private static string Staging(string results, string name, TimeSpan age)
    {
        var folder = Path.Combine(results, name);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, ResultKeys.ImageFileName), [0x89]);
        Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow - age);
        return folder;
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task WriteAsync_MetadataNotAJsonObject_ThrowsArgumentException(string metadata)
    {
        var files = Files() with { MetadataJson = Encoding.UTF8.GetBytes(metadata) };

        await Assert.ThrowsAsync<ArgumentException>(() => _store.WriteAsync("job-1", files));
        Assert.Empty(_folder.Files());
    }

    [Fact]
    public async Task OpenReadAsync_StoredFile_StreamsItsBytes()
    {
        await _store.WriteAsync("job-1", Files());

        await using var stream = await _store.OpenReadAsync("job-1", ResultFile.Metadata);
        using var reader = new StreamReader(stream!);

        Assert.Equal("""{"jobId":"j","seed":1}""", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task ReadAsync_Absent_ReturnsNull()
    {
        Assert.Null(await _store.ReadAsync("nothing"));
        Assert.False(await _store.ExistsAsync("nothing"));
    }
}
