using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.Scheduler.Datasets;
using Pipeline.Scheduler.Hosting;
using Pipeline.Scheduler.Runs;
using Pipeline.Scheduler.Schedules;
using Pipeline.Storage.Jobs;

namespace Pipeline.Scheduler.Tests;

/// <summary>
/// The scheduler's services over the real PostgreSQL (a schema of its own, migrated by the storage migrator) and
/// real file stores in a temp folder, with MassTransit's in-memory test harness as the bus and <see cref="FakeWorker"/>
/// on the batch queue. Time is a <see cref="FakeTimeProvider"/>.
/// </summary>
internal sealed class SchedulerHarness : IAsyncDisposable
{
    private readonly string _schema;
    private readonly string _root;

    private SchedulerHarness(ServiceProvider provider, string schema, string root)
    {
        Provider = provider;
        _schema = schema;
        _root = root;
    }

    public ServiceProvider Provider { get; }

    public FakeTimeProvider Time => (FakeTimeProvider)Provider.GetRequiredService<TimeProvider>();

    public FakeWorkerSettings Worker => Provider.GetRequiredService<FakeWorkerSettings>();

    public ITestHarness Bus => Provider.GetRequiredService<ITestHarness>();

    public string SourceRoot => Path.Join(_root, "sources");

    public string OutputRoot => Path.Join(_root, "datasets");

    public IScheduleStore Store => Provider.GetRequiredService<IScheduleStore>();

    public AugmentationRunner Runner => Provider.GetRequiredService<AugmentationRunner>();

    /// <param name="settings">Configuration over the harness's own (e.g. <c>Pipeline:Storage:Files:MaxInputBytes</c>).</param>
    public static async Task<SchedulerHarness> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var schema = TestSchemas.NewName();
        var root = Directory.CreateTempSubdirectory("pipeline-scheduler-").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:Storage:Jobs:ConnectionString"] = PostgresEnvironment.Require(),
            ["Pipeline:Storage:Jobs:Schema"] = schema,
            ["Pipeline:Storage:Files:RootPath"] = Path.Join(root, "store"),
            ["Pipeline:Scheduler:SourceRoot"] = Path.Join(root, "sources"),
            ["Pipeline:Scheduler:OutputRoot"] = Path.Join(root, "datasets"),
            ["Pipeline:Scheduler:ApiKeys:0"] = "test-key",
        }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 10, 15, 0, TimeSpan.Zero)));
        services.AddSchedulerCore();
        services.AddSingleton<IScheduleTriggers, RecordingTriggers>();
        services.AddSingleton<IBatchSender, MassTransitBatchSender>();
        services.AddSingleton<FakeWorkerSettings>();
        services.AddMassTransitTestHarness(bus =>
        {
            bus.AddConsumer<BatchCompletedConsumer>();
            bus.AddConsumer<FakeWorker>().Endpoint(e => e.Name = PipelineEndpoints.BatchQueue);
        });
        var provider = services.BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<JobStoreMigrator>().MigrateAsync();
        await provider.GetRequiredService<ITestHarness>().Start();
        return new SchedulerHarness(provider, schema, root);
    }

    /// <summary>Writes <paramref name="count"/> small distinct PNGs into <c>sources/&lt;folder&gt;</c>.</summary>
    public void AddSourceImages(string folder, int count)
    {
        var directory = Path.Join(SourceRoot, folder);
        Directory.CreateDirectory(directory);
        for (var i = 0; i < count; i++)
        {
            File.WriteAllBytes(Path.Join(directory, $"img{i:D2}.png"), PngWriter.Encode(RgbImage.Filled(16 + i, 12, (byte)(40 * i), 10, 10)));
        }
    }

    /// <summary>A PNG of noise (it barely compresses: about 3 bytes a pixel), for size limits.</summary>
    public void AddNoiseImage(string folder, string name, int size)
    {
        var rgb = new byte[size * size * 3];
        new Random(size).NextBytes(rgb);
        Directory.CreateDirectory(Path.Join(SourceRoot, folder));
        File.WriteAllBytes(Path.Join(SourceRoot, folder, name), PngWriter.Encode(new RgbImage(size, size, rgb)));
    }

    public async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await TestSchemas.DropAsync(_schema);
        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>Records registrations instead of creating Hangfire jobs.</summary>
internal sealed class RecordingTriggers : IScheduleTriggers
{
    public List<string> Registered { get; } = [];

    public List<(string ScheduleId, DateTimeOffset Period)> Enqueued { get; } = [];

    public void Register(AugmentationSchedule schedule) => Registered.Add(schedule.Id);

    public void Unregister(string scheduleId) => Registered.Remove(scheduleId);

    public IReadOnlyList<string> SyncAll(IReadOnlyList<AugmentationSchedule> schedules)
    {
        Registered.Clear();
        Registered.AddRange(schedules.Where(s => s.Enabled).Select(s => s.Id));
        return [];
    }

    public string EnqueueRun(string scheduleId, DateTimeOffset periodStart)
    {
        Enqueued.Add((scheduleId, periodStart));
        return "job-" + Enqueued.Count;
    }
}
