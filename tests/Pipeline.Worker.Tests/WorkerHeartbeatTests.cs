using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Engine;
using Pipeline.Inference;
using Pipeline.Storage.Fleet;
using Pipeline.Worker.Hosting;
using Pipeline.Worker.Jobs;
using Pipeline.Worker.Tests.Fakes;

namespace Pipeline.Worker.Tests;

/// <summary>
/// The heartbeat on a fake clock, over a recording store, with the embedded pack really loaded on the CPU: what each
/// beat reports, that beats follow the interval, that a graceful stop deletes the row and that a failing store never
/// stops the worker.
/// </summary>
public sealed class WorkerHeartbeatTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset Start = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ModelOptions _models = new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 };
    private readonly ModelPackRegistry _registry;
    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingFleetStore _fleet;
    private readonly SlotsEngine _engine = new() { Capacity = 16, FreeSlots = 13 };
    private readonly JobsDone _done = new();
    private readonly RecordingLoggerProvider _logs = new();

    public WorkerHeartbeatTests()
    {
        _fleet = new RecordingFleetStore(_time);
        _registry = new ModelPackRegistry(_models.ToRegistryOptions(), NullLogger<ModelPackRegistry>.Instance);
        _registry.Get(_models.DefaultPack); // what the model warm-up does before the heartbeat starts
    }

    [Fact]
    public async Task Beat_AtStartAndEveryInterval_ReportsWhatTheWorkerRunsAsOfEachBeat()
    {
        var (service, identity) = Create(id: "gpu-box-1");
        await service.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => !_fleet.Beats.IsEmpty, "the first beat");

        var first = _fleet.Beats.First();
        _done.Add();
        _done.Add();
        _engine.FreeSlots = 0;
        await AdvanceUntilAsync(() => _fleet.Beats.Count >= 2, Interval, "a beat after the interval");
        await service.StopAsync(CancellationToken.None);

        var pack = _registry.Get("emoji-32").Manifest;
        Assert.Equal(("gpu-box-1", Environment.MachineName, "float32", "cpu"), (first.WorkerId, first.Host, first.DenoiserPrecision, first.ExecutionProvider));
        Assert.Null(first.CudaDeviceId);
        Assert.Equal([new WorkerPack("emoji-32", pack.Version)], first.Packs);
        Assert.Equal((16, 3, 0L), (first.SlotsTotal, first.SlotsBusy, first.JobsDone));
        Assert.Equal((identity.Version, Start), (first.Version, first.StartedAt));
        Assert.False(string.IsNullOrEmpty(first.Version));
        var later = _fleet.Beats.Last();
        Assert.Equal((16, 16, 2L), (later.SlotsTotal, later.SlotsBusy, later.JobsDone));
    }

    [Fact]
    public async Task Beat_ClockInOneSecondSteps_NeverSoonerThanTheInterval()
    {
        var (service, _) = Create();
        await service.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => !_fleet.Beats.IsEmpty, "the first beat, before the clock moves");

        await AdvanceUntilAsync(() => _fleet.Beats.Count >= 4, TimeSpan.FromSeconds(1), "four beats");
        await service.StopAsync(CancellationToken.None);

        var times = _fleet.BeatTimes.ToList();
        Assert.Equal(Start, times[0]);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= Interval, $"beats at {pair.First:T} and {pair.Second:T}"));
    }

    [Fact]
    public async Task Stop_Graceful_DeletesItsRow()
    {
        var (service, identity) = Create();
        await service.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => _fleet.Rows.ContainsKey(identity.Id), "the row written");

        await service.StopAsync(CancellationToken.None);

        Assert.Empty(_fleet.Rows);
        Assert.Equal([identity.Id], _fleet.Removed);
    }

    [Fact]
    public async Task Beat_StoreFailingForThreeBeats_KeepsBeatingWarnsOnceThenSaysItRecovered()
    {
        _fleet.FailNext = 3;
        var (service, identity) = Create();
        await service.StartAsync(CancellationToken.None);

        await AdvanceUntilAsync(() => _fleet.Rows.ContainsKey(identity.Id), Interval, "a beat written after the failures");
        await service.StopAsync(CancellationToken.None);

        Assert.False(service.ExecuteTask!.IsFaulted);
        var warnings = _logs.Entries.Where(e => e.Level == LogLevel.Warning).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("the database does not answer", warning.Message, StringComparison.Ordinal);
        Assert.Equal(2, _logs.Entries.Count(e => e.Level == LogLevel.Debug && e.Message.Contains("still not written", StringComparison.Ordinal)));
        Assert.Single(_logs.Entries, e => e.Message.Contains("written again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_StoreDown_StopsWithoutThrowingAndSaysTheRowStays()
    {
        var (service, _) = Create();
        await service.StartAsync(CancellationToken.None);
        await Poll.UntilAsync(() => !_fleet.Beats.IsEmpty, "the first beat");
        _fleet.FailNext = 1;

        await service.StopAsync(CancellationToken.None);

        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("not deleted", StringComparison.Ordinal));
    }

    [Fact]
    public void Identity_NoIdConfigured_HostNameWithASuffixOfItsOwnPerProcess()
    {
        var options = Options.Create(new HeartbeatOptions());

        var a = new WorkerIdentity(options, _time);
        var b = new WorkerIdentity(options, _time);

        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(Environment.MachineName, a.Host);
        Assert.Matches("^gpu-box_1-[0-9a-f]{6}$", WorkerIdentity.Generate("GPU-Box_1"));
        Assert.Matches("^worker-odd-host--[0-9a-f]{6}$", WorkerIdentity.Generate("-Odd Host!"));
        Assert.All([a.Id, WorkerIdentity.Generate("-Odd Host!")], id => Assert.Matches("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$", id));
    }

    [Theory]
    [InlineData("00:00:15", "00:00:30", true)]
    [InlineData("00:00:16", "00:00:30", false)]
    [InlineData("00:00:00.050", "00:00:30", false)]
    public void Options_IntervalAgainstTheWorkerTimeout_ValidOnlyUpToHalfOfIt(string interval, string timeout, bool valid)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Worker:HeartbeatInterval"] = interval,
            ["Pipeline:Fleet:WorkerTimeout"] = timeout,
        }).Build());
        services.AddOptions<FleetOptions>().BindConfiguration(FleetOptions.SectionName);
        services.AddWorkerHeartbeat();
        using var provider = services.BuildServiceProvider();

        var read = () => provider.GetRequiredService<IOptions<HeartbeatOptions>>().Value;

        if (valid)
        {
            Assert.Equal(TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture), read().HeartbeatInterval);
        }
        else
        {
            Assert.Throws<OptionsValidationException>(read);
        }
    }

    public void Dispose() => _registry.Dispose();

    /// <summary>
    /// Moves the fake clock on by <paramref name="step"/> until <paramref name="condition"/> holds: the service may not be
    /// waiting on its timer yet when the clock moves, so a single advance could be missed.
    /// </summary>
    private Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step, string what) => Poll.UntilAsync(() =>
    {
        if (condition())
        {
            return true;
        }

        _time.Advance(step);
        return false;
    }, what);

    private (WorkerHeartbeatService Service, WorkerIdentity Identity) Create(string? id = null)
    {
        var options = Options.Create(new HeartbeatOptions { Id = id, HeartbeatInterval = Interval });
        var identity = new WorkerIdentity(options, _time);
        var source = new WorkerHeartbeatSource(identity, _engine, _registry, Options.Create(_models), _done);
        var logger = new LoggerFactory([_logs]).CreateLogger<WorkerHeartbeatService>();
        return (new WorkerHeartbeatService(_fleet, source, identity, options, _time, logger), identity);
    }

    /// <summary>An engine that only has slots.</summary>
    private sealed class SlotsEngine : IJobEngine
    {
        public int Capacity { get; init; }

        public int FreeSlots { get; set; }

        public Task<EngineResult> RunAsync(EngineJob job, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public void ReportBacklog(int waitingJobs)
        {
        }
    }
}
