using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.Imaging;
using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>
/// The iteration-level scheduler of one model pack (docs/architecture.md §4; Orca/vLLM-style continuous batching). One loop
/// owns a pool of slots; every iteration it drops canceled jobs, admits waiting jobs by priority, encodes the
/// newly admitted sources in one batched call, plans a step for every active job, runs one batched forward over
/// only the rows that commit something (none: no call), applies each row's logits, and decodes the finished
/// jobs in one batched call. Jobs join and leave between iterations, whatever their step counts.
/// </summary>
/// <remarks>
/// Files: this one holds the loop, queueing and how jobs leave; PackRunner.Admission.cs what happens between
/// iterations (cancellations, admission by priority); PackRunner.Iteration.cs the batched model calls of one iteration;
/// PackRunner.Finishing.cs the decode and results of finished jobs, on the finisher thread when decoding overlaps.
/// Threading: <see cref="Enqueue"/> and cancellation callbacks take <see cref="_gate"/>; a finished job handed to the
/// finisher is touched only by it (its slot already freed); everything else is touched only by the loop. Batch buffers are sized for a full pool once and reused by every iteration.
/// </remarks>
internal sealed partial class PackRunner : IAsyncDisposable
{
    private readonly EngineModelPack _pack;
    private readonly IImageCodec _images;
    private readonly StepBudgetPolicy _budgets;
    private readonly EngineLoad _load;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly EngineMetrics? _metrics;
    private readonly int _capacity;
    private readonly int _n;
    private readonly int _v;
    private readonly int _pixelsPerImage;

    private readonly Lock _gate = new();
    private readonly Queue<JobState>[] _waiting = [new(), new(), new()];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private bool _stopping;
    private int _cancellationSeen;
    private int _slotsBusy;

    private readonly List<JobState> _active;
    private readonly List<JobState> _admitted;
    private readonly List<JobState> _batch;
    private long[] _tokens; // grown (PackRunner.Canvas.cs) only when a canvas alone needs more rows than the slots
    private float[] _logits;
    private readonly float[] _pixels;
    private readonly Task _loop;
    private readonly LoopClock _clock = new();

    public PackRunner(EngineModelPack pack, IImageCodec images, EngineOptions options, EngineLoad load, TimeProvider time, ILogger logger,
        EngineMetrics? metrics)
    {
        pack.EnsureConsistent();
        (_pack, _images, _budgets, _load, _time, _logger, _metrics) = (pack, images, pack.Budgets, load, time, logger, metrics);
        Tags = new PackTags(pack);
        _capacity = options.MaxBatch;
        _n = pack.SequenceLength;
        _v = pack.CodebookSize;
        _pixelsPerImage = 3 * pack.ImageWidth * pack.ImageHeight;
        _active = new List<JobState>(_capacity);
        _admitted = new List<JobState>(_capacity);
        _batch = new List<JobState>(_capacity);
        _tokens = new long[_capacity * _n];
        _logits = new float[(long)_capacity * _n * _v];
        _pixels = new float[_capacity * _pixelsPerImage];
        _overlap = options.OverlapDecode;
        if (_overlap)
        {
            _finisherPixels = new float[_capacity * _pixelsPerImage];
            _finishSlots = new SemaphoreSlim(Math.Max(1, options.MaxFinishingBatches));
            _finishQueue = new BlockingCollection<FinishBatch>();
        }

        _logger.PackLoopStarted(pack.Name, pack.Version, _capacity);
        // The loop serves every job, so it must not inherit the first job's context (its Activity.Current would be that
        // job's span, and every log line of the loop would carry that job's trace id).
        using (ExecutionContext.SuppressFlow())
        {
            _finisher = _overlap ? StartFinisher() : Task.CompletedTask;
            _loop = Task.Run(RunLoopAsync);
        }
    }

    /// <summary>Slots of this pack's loop.</summary>
    public int Capacity => _capacity;

    /// <summary>Slots (forward rows) held now by admitted or sampling jobs, a canvas holding one per window; read by the metrics collector from any thread.</summary>
    public int SlotsBusy => Volatile.Read(ref _slotsBusy);

    /// <summary>Where this loop's time went so far (any thread).</summary>
    public EngineLoopTimes LoopTimes => _clock.Snapshot();

    /// <summary>This pack's metric tags.</summary>
    public PackTags Tags { get; }

    /// <summary>Queues a prepared job; the task completes when the job is finished, canceled or failed.</summary>
    public Task<EngineResult> Enqueue(JobState job)
    {
        // Registered before queuing, so the loop never sees a job whose registration is still being set.
        job.Registration = job.CancellationToken.UnsafeRegister(static s => ((PackRunner)s!).OnCancellation(), this);
        lock (_gate)
        {
            if (_stopping)
            {
                job.Registration.Dispose();
                throw new ObjectDisposedException(nameof(JobEngine), $"the loop of model pack {_pack.Name} has stopped");
            }

            job.EnqueuedAt = _time.GetTimestamp();
            _waiting[(int)job.Job.Priority].Enqueue(job);
            _load.Queued(job.Cost);
        }

        _wake.Release();
        return job.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _stopping = true;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _wake.Dispose();
    }

    private void OnCancellation()
    {
        Volatile.Write(ref _cancellationSeen, 1);
        lock (_gate)
        {
            if (!_stopping)
            {
                _wake.Release();
            }
        }
    }

    private async Task RunLoopAsync()
    {
        Exception? crash = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (_active.Count == 0 && !HasWaiting())
                {
                    _clock.Mark();
                    await _wake.WaitAsync(_stop.Token).ConfigureAwait(false);
                    _clock.Lap(LoopPhase.Idle);
                    continue;
                }

                RunIteration();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Shutdown while idle.
        }
#pragma warning disable CA1031 // A bug in the loop must still complete every job's task, never leave callers hanging.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.PackLoopCrashed(_pack.Name, e);
            crash = e;
        }
        finally
        {
            Drain(crash);
            await StopFinisherAsync().ConfigureAwait(false);
        }
    }

    private void RunIteration()
    {
        _clock.Mark();
        DropCanceled();
        Admit();
        _clock.Lap(LoopPhase.Admission);
        StartAdmitted();
        _clock.Lap(LoopPhase.Encode);
        Step();
        _clock.Iterated();
    }

    private bool HasWaiting()
    {
        lock (_gate)
        {
            return _waiting[0].Count + _waiting[1].Count + _waiting[2].Count > 0;
        }
    }

    // How a job leaves the runner: finished, failed or canceled, each freeing its slot and completing its task once.
    private void LeaveSlot(JobState job)
    {
        if (job.InSlot)
        {
            job.InSlot = false;
            _load.LeftSlot(job.Cost);
            Interlocked.Add(ref _slotsBusy, -job.Cost);
            _rowsBusy -= job.Cost;
        }
    }

    // The job's outcome is logged by RunAsync on the caller's side, under the job's own trace.
    private void Complete(JobState job, EngineResult result)
    {
        LeaveSlot(job);
        job.Registration.Dispose();
        job.Completion.TrySetResult(result);
    }

    private void Fail(JobState job, Exception error)
    {
        LeaveSlot(job);
        job.Registration.Dispose();
        job.Completion.TrySetException(error);
    }

    private void Cancel(JobState job)
    {
        LeaveSlot(job);
        job.Registration.Dispose();
        job.Completion.TrySetCanceled(job.CancellationToken.IsCancellationRequested ? job.CancellationToken : _stop.Token);
    }

    /// <summary>Logs <paramref name="log"/> with the job's span as the current activity, so the line carries the job's trace id.</summary>
    private static void UnderJob(JobState job, Action log)
    {
        var loop = Activity.Current;
        Activity.Current = job.Trace?.Activity;
        try
        {
            log();
        }
        finally
        {
            Activity.Current = loop;
        }
    }

    /// <summary>On shutdown every job still here is canceled (a host redelivers it); after a crash it fails.</summary>
    private void Drain(Exception? crash)
    {
        List<JobState> left = [.. _active, .. _admitted, .. _batch];
        _active.Clear();
        _admitted.Clear();
        _batch.Clear();
        lock (_gate)
        {
            _stopping = true;
            foreach (var queue in _waiting)
            {
                while (queue.TryDequeue(out var job))
                {
                    _load.LeftQueue(job.Cost);
                    left.Add(job);
                }
            }
        }

        foreach (var job in left)
        {
            if (crash is null)
            {
                Cancel(job);
            }
            else
            {
                Fail(job, crash);
            }
        }
    }
}
