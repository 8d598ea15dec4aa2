using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Imaging;

namespace Pipeline.Engine;

/// <summary>
/// Runs jobs end to end with iteration-level batching: one <see cref="PackRunner"/> loop per model pack, started
/// on the pack's first job, each with <see cref="EngineOptions.MaxBatch"/> slots and the pack's own step budgets.
/// Validation and image decoding happen on the caller's thread in <see cref="RunAsync"/>; the loop does the model work.
/// Hosts build it with <see cref="EngineFactory"/> (or <c>AddPipelineEngine</c>); the constructor is the seam for tests.
/// With a meter factory it publishes <see cref="EngineMetrics"/>; each job gets spans (<see cref="JobTrace"/>) under the
/// activity current when <see cref="RunAsync"/> is called, whenever someone listens to the Pipeline activity source.
/// </summary>
public sealed class JobEngine : IJobEngine, IAsyncDisposable
{
    private readonly IEnginePackSource _packs;
    private readonly IImageCodec _images;
    private readonly EngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<JobEngine> _logger;
    private readonly EngineMetrics? _metrics;
    private readonly EngineLoad _load = new();
    private readonly ConcurrentDictionary<string, Lazy<PackRunner>> _runners = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    /// <param name="meterFactory">The host's meter factory; null publishes no metrics.</param>
    public JobEngine(IEnginePackSource packs, IImageCodec images, EngineOptions options, TimeProvider timeProvider, ILogger<JobEngine> logger,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(packs);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatch, 1);
        (_packs, _images, _options, _time, _logger) = (packs, images, options, timeProvider, logger);
        _metrics = meterFactory is null ? null : new EngineMetrics(meterFactory, StartedRunners);
    }

    public int Capacity => _options.MaxBatch;

    /// <summary>
    /// Capacity minus every job inside the engine (waiting or in a slot, all packs together): what a host may
    /// prefetch without queuing work here that priority could no longer reorder.
    /// </summary>
    public int FreeSlots => Math.Max(0, Capacity - _load.Waiting - _load.Occupied);

    public void ReportBacklog(int waitingJobs) => _load.ExternalBacklog = waitingJobs;

    public async Task<EngineResult> RunAsync(EngineJob job, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var trace = JobTrace.Start(job, _time);
        var startedAt = _time.GetTimestamp();
        JobState? state = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var pack = _packs.Find(job.ModelPack) ?? throw UnknownModel(job.ModelPack);
            var prepared = JobPreparer.Prepare(job, pack, _options, _images);
            var runner = _runners.GetOrAdd(pack.Name,
                _ => new Lazy<PackRunner>(() => new PackRunner(pack, _images, _options, _load, _time, _logger, _metrics))).Value;
            state = new JobState(prepared, progress, startedAt, cancellationToken) { Trace = trace };
            var result = await RunQueuedAsync(runner, state).ConfigureAwait(false);
            trace?.End(state, null);
            return result;
        }
        catch (Exception e) when (trace is not null)
        {
            trace.End(state, e);
            throw;
        }
    }

    /// <summary>Queues the job on its pack's loop and logs how it left it (here, under the job's trace, not on the loop).</summary>
    private async Task<EngineResult> RunQueuedAsync(PackRunner runner, JobState state)
    {
        try
        {
            var result = await runner.Enqueue(state).ConfigureAwait(false);
            _logger.JobFinished(state.Job.JobId, result.Metadata.Timings.TotalMs, state.ForwardPasses);
            return result;
        }
        catch (OperationCanceledException)
        {
            _logger.JobCanceled(state.Job.JobId, state.Sampler?.CompletedSteps ?? state.Canvas?.CompletedSteps ?? 0);
            throw;
        }
        catch (Exception e)
        {
            _logger.JobFailed(state.Job.JobId, e);
            throw;
        }
    }

    /// <summary>Where the pack loops' time went so far, all packs together (the bench's per-image breakdown).</summary>
    public EngineLoopTimes LoopTimes() => StartedRunners().Aggregate(EngineLoopTimes.Zero, (sum, r) => sum + r.LoopTimes);

    /// <summary>The pack loops started so far (for the slot gauges).</summary>
    private IEnumerable<PackRunner> StartedRunners() => _runners.Values.Where(r => r.IsValueCreated).Select(r => r.Value);

    /// <summary>Records a model pack's load time (the registry's <c>Loaded</c> event, subscribed by <c>AddPipelineEngine</c>).</summary>
    internal void OnPackLoaded(Inference.ModelPack pack) => _metrics?.ModelLoaded(pack);

    /// <summary>Stops every pack loop; jobs not yet finished are canceled. Call RunAsync no more after this.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var runner in _runners.Values)
        {
            if (runner.IsValueCreated)
            {
                await runner.Value.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private InvalidJobException UnknownModel(string? name) => new(ContractErrorCodes.UnknownModel,
        (name is null ? "no default model pack is configured" : $"unknown model pack '{name}'")
        + $"; available: {(_packs.Names.Count == 0 ? "none" : string.Join(", ", _packs.Names))}");
}
