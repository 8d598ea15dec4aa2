using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Resilience;

namespace Pipeline.Storage.Tests;

public sealed class ResilienceTests
{
    private static readonly StorageResilienceOptions NoDelay = new() { MaxRetryAttempts = 3, BaseDelay = TimeSpan.Zero, UseJitter = false };

    private static ResilientJobStore Wrap(FlakyJobStore inner, StorageResilienceOptions? options = null, TimeProvider? time = null) =>
        new(inner, StorageResilience.CreatePipeline(options ?? NoDelay, time ?? TimeProvider.System));

    public static TheoryData<string> TransientFaults() => ["npgsql-io", "npgsql-socket", "postgres-serialization", "io"];

    private static Exception Fault(string kind) => kind switch
    {
        "npgsql-io" => new NpgsqlException("connection reset", new IOException("reset")),
        "npgsql-socket" => new NpgsqlException("connect failed", new SocketException((int)SocketError.ConnectionRefused)),
        "postgres-serialization" => new PostgresException("could not serialize access", "ERROR", "ERROR", "40001"),
        "io" => new IOException("transient"),
        "postgres-unique" => new PostgresException("duplicate key", "ERROR", "ERROR", "23505"),
        "postgres-syntax" => new PostgresException("syntax error", "ERROR", "ERROR", "42601"),
        "bad-input" => new StorageInputException(StorageInputException.InvalidJobId, "bad id"),
        "argument" => new ArgumentException("bad"),
        "not-found" => new FileNotFoundException("gone"),
        "canceled" => new OperationCanceledException(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(TransientFaults))]
    public async Task ExecuteAsync_TransientFaultTwice_RetriedUntilItSucceeds(string fault)
    {
        var inner = new FlakyJobStore(failures: 2, () => Fault(fault));

        var job = await Wrap(inner).GetAsync("j");

        Assert.NotNull(job);
        Assert.Equal(3, inner.Calls);
    }

    [Theory]
    [InlineData("postgres-unique")]
    [InlineData("postgres-syntax")]
    [InlineData("bad-input")]
    [InlineData("argument")]
    [InlineData("not-found")]
    [InlineData("canceled")]
    public async Task ExecuteAsync_NonTransientFault_NotRetried(string fault)
    {
        var inner = new FlakyJobStore(failures: 1, () => Fault(fault));

        await Assert.ThrowsAnyAsync<Exception>(() => Wrap(inner).GetAsync("j"));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task ExecuteAsync_TransientFaultOutlastsRetries_ThrowsAfterMaxAttempts()
    {
        var inner = new FlakyJobStore(failures: 100, () => Fault("io"));

        await Assert.ThrowsAsync<IOException>(() => Wrap(inner).GetAsync("j"));

        Assert.Equal(NoDelay.MaxRetryAttempts + 1, inner.Calls);
    }

    [Fact]
    public async Task ExecuteAsync_ExponentialBackoff_WaitsOnTheInjectedClock()
    {
        var time = new FakeTimeProvider();
        var options = new StorageResilienceOptions { MaxRetryAttempts = 3, BaseDelay = TimeSpan.FromSeconds(1), UseJitter = false };
        var inner = new FlakyJobStore(failures: 2, () => Fault("io"));

        var call = Wrap(inner, options, time).GetAsync("j");

        // 1 s before the second attempt, then 2 s before the third: nothing happens until the fake clock moves.
        await Poll.UntilAsync(() => inner.Calls == 1, "the first attempt");
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, inner.Calls);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Poll.UntilAsync(() => inner.Calls == 2, "the second attempt");
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(2, inner.Calls);
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.NotNull(await call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, inner.Calls);
    }

    [Fact]
    public async Task ExecuteAsync_WithLogging_RetriesAtDebugWithoutTheResult()
    {
        using var logs = new RecordingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var inner = new FlakyJobStore(failures: 2, () => Fault("io"));
        var store = new ResilientJobStore(inner, StorageResilience.CreatePipeline(NoDelay, TimeProvider.System, loggerFactory));

        var job = await store.GetAsync("job-with-a-telling-id");

        Assert.NotNull(job);
        var polly = logs.Entries.Where(e => e.Category == "Polly").ToList();
        Assert.Contains(polly, e => e.Level == LogLevel.Debug && e.Message.Contains("OnRetry", StringComparison.Ordinal));
        // LogLevel.None marks events no logger writes (this recorder keeps them anyway).
        Assert.DoesNotContain(polly, e => e.Level is > LogLevel.Debug and < LogLevel.None);
        // The record came back as the call's result: no line may carry it (nor anything of it, such as its id).
        Assert.DoesNotContain(polly, e => e.Message.Contains("job-with-a-telling-id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PutAsync_NonSeekableStream_NotRetried()
    {
        var inner = new FailingInputStore();
        var store = new ResilientInputStore(inner, StorageResilience.CreatePipeline(NoDelay, TimeProvider.System));

        await Assert.ThrowsAsync<IOException>(() => store.PutAsync(new NonSeekableStream()));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task PutAsync_SeekableStream_RetriedFromItsStart()
    {
        var inner = new FailingInputStore { Failures = 1 };
        var store = new ResilientInputStore(inner, StorageResilience.CreatePipeline(NoDelay, TimeProvider.System));
        var content = new MemoryStream([1, 2, 3]);

        var stored = await store.PutAsync(content);

        Assert.Equal(2, inner.Calls);
        Assert.Equal(3, stored.Length);
    }

    private sealed class FailingInputStore : IInputStore
    {
        public int Failures { get; init; } = int.MaxValue;

        public int Calls { get; private set; }

        public async Task<StoredInput> PutAsync(Stream content, CancellationToken cancellationToken = default)
        {
            Calls++;
            var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            if (Calls <= Failures)
            {
                throw new IOException("transient");
            }

            return new StoredInput("sha256:" + new string('0', 64), buffer.Length, true);
        }

        public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    private sealed class NonSeekableStream() : MemoryStream([1, 2, 3])
    {
        public override bool CanSeek => false;
    }
}
