using Microsoft.Extensions.Logging;
using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>
/// The iteration-level scheduler of one model pack (DESIGN §3; Orca/vLLM-style continuous batching). One loop
/// owns a pool of slots; every iteration it drops canceled jobs, admits waiting jobs by priority, encodes the
/// newly admitted sources in one batched call, plans a step for every active job, runs one batched forward over
/// only the rows that commit something (none: no call), applies each row's logits, and decodes the finished
/// jobs in one batched call. Jobs join and leave between iterations, whatever their step counts.
/// </summary>
/// <remarks>
/// Threading: <see cref="Enqueue"/> and cancellation callbacks take <see cref="_gate"/>; everything else is
/// touched only by the loop. Batch buffers are sized for a full pool once and reused by every iteration.
/// </remarks>
internal sealed class PackRunner : IAsyncDisposable
{
    private readonly EngineModelPack _pack;
    private readonly IImageCodec _images;
    private readonly StepBudgetPolicy _budgets;
    private readonly EngineLoad _load;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
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

    private readonly List<JobState> _active;
    private readonly List<JobState> _admitted;
    private readonly List<JobState> _batch;
    private readonly long[] _tokens;
    private readonly float[] _logits;
    private readonly float[] _pixels;
    private readonly Task _loop;

    public PackRunner(EngineModelPack pack, IImageCodec images, EngineOptions options, EngineLoad load, TimeProvider time, ILogger logger)
    {
        pack.EnsureConsistent();
        (_pack, _images, _budgets, _load, _time, _logger) = (pack, images, options.StepBudgets, load, time, logger);
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
        _logger.PackLoopStarted(pack.Name, pack.Version, _capacity);
        _loop = Task.Run(RunLoopAsync);
    }

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
            _load.Queued();
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
                    await _wake.WaitAsync(_stop.Token).ConfigureAwait(false);
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
        }
    }

    private void RunIteration()
    {
        DropCanceled();
        Admit();
        StartAdmitted();
        Step();
    }

    private bool HasWaiting()
    {
        lock (_gate)
        {
            return _waiting[0].Count + _waiting[1].Count + _waiting[2].Count > 0;
        }
    }

    /// <summary>Cancellation is honoured between iterations: the job leaves its slot and its task is canceled.</summary>
    private void DropCanceled()
    {
        var keep = 0;
        for (var i = 0; i < _active.Count; i++)
        {
            var job = _active[i];
            if (job.CancellationToken.IsCancellationRequested)
            {
                Cancel(job);
            }
            else
            {
                _active[keep++] = job;
            }
        }

        _active.RemoveRange(keep, _active.Count - keep);
        if (Interlocked.Exchange(ref _cancellationSeen, 0) == 0)
        {
            return;
        }

        lock (_gate)
        {
            foreach (var queue in _waiting)
            {
                for (var i = queue.Count; i > 0; i--)
                {
                    var job = queue.Dequeue();
                    if (job.CancellationToken.IsCancellationRequested)
                    {
                        _load.LeftQueue();
                        Cancel(job);
                    }
                    else
                    {
                        queue.Enqueue(job);
                    }
                }
            }
        }
    }

    /// <summary>Fills free slots: interactive first, then standard, then bulk; first come first served within a class.</summary>
    private void Admit()
    {
        lock (_gate)
        {
            foreach (var queue in _waiting)
            {
                while (_active.Count + _admitted.Count < _capacity && queue.TryDequeue(out var job))
                {
                    _load.LeftQueue();
                    if (job.CancellationToken.IsCancellationRequested)
                    {
                        Cancel(job);
                        continue;
                    }

                    _load.Admitted();
                    job.InSlot = true;
                    job.AdmittedAt = _time.GetTimestamp();
                    // DESIGN §3: backlog = jobs still waiting in this engine + what the host reports waiting outside it.
                    var backlog = _load.Waiting + _load.ExternalBacklog;
                    job.Steps = _budgets.Resolve(job.Job.Priority, job.Job.Steps, backlog);
                    _admitted.Add(job);
                    _logger.JobAdmitted(job.Job.JobId, _pack.Name, job.Job.Priority, job.Steps.Used, job.Steps.Requested, backlog);
                }
            }
        }
    }

    /// <summary>Encodes the sources of newly admitted jobs in one batched call, masks them and builds their samplers.</summary>
    private void StartAdmitted()
    {
        if (_admitted.Count == 0)
        {
            return;
        }

        _batch.Clear();
        foreach (var job in _admitted)
        {
            if (job.Prepared.Source is null)
            {
                StartSampling(job, TokenMasks.Generation(_n, _v));
            }
            else
            {
                job.Prepared.Source.Pixels.CopyTo(_pixels.AsSpan(_batch.Count * _pixelsPerImage, _pixelsPerImage));
                _batch.Add(job);
            }
        }

        _admitted.Clear();
        if (_batch.Count == 0)
        {
            return;
        }

        var count = _batch.Count;
        var started = _time.GetTimestamp();
        if (!TryBatch("encode", () => _pack.Codec.Encode(_pixels.AsSpan(0, count * _pixelsPerImage), count, _tokens.AsSpan(0, count * _n))))
        {
            return;
        }

        var encodeMs = ResultFactory.Ms(_time, started, _time.GetTimestamp());
        for (var i = 0; i < count; i++)
        {
            _batch[i].EncodeMs = encodeMs;
            StartSampling(_batch[i], _tokens.AsSpan(i * _n, _n).ToArray());
        }

        _batch.Clear();
    }

    private void StartSampling(JobState job, long[] tokens)
    {
        try
        {
            var prepared = job.Prepared;
            if (prepared.Strength is { } strength)
            {
                TokenMasks.MaskVariation(tokens, strength, job.Job.Seed, _v);
            }
            else if (prepared.TokenMask is { } tokenMask)
            {
                TokenMasks.Apply(tokens, tokenMask, _v);
            }

            job.Sampler = new TokenSampler(prepared.Settings with { Steps = job.Steps.Used }, _v, tokens, job.Job.Seed);
            job.SampleStartedAt = _time.GetTimestamp();
            _active.Add(job);
        }
#pragma warning disable CA1031 // One job's failure must not stop the loop; the exception goes to that job's task.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(job, e);
        }
    }

    /// <summary>One step for every active job: plan, one batched forward over the rows that need it, apply.</summary>
    private void Step()
    {
        if (_active.Count == 0)
        {
            return;
        }

        _batch.Clear();
        foreach (var job in _active)
        {
            job.Row = -1;
            if (job.Sampler!.PlanStep() > 0)
            {
                job.Row = _batch.Count;
                job.Sampler.Tokens.CopyTo(_tokens.AsSpan(job.Row * _n, _n));
                _batch.Add(job);
            }
        }

        var rows = _batch.Count;
        if (rows > 0 && !TryBatch("forward",
                () => _pack.Denoiser.Forward(_tokens.AsSpan(0, rows * _n), rows, _logits.AsSpan(0, rows * _n * _v))))
        {
            _active.RemoveAll(job => job.Row >= 0);
        }

        _batch.Clear();
        var keep = 0;
        for (var i = 0; i < _active.Count; i++)
        {
            var job = _active[i];
            if (!TryApply(job))
            {
                continue;
            }

            if (job.Sampler!.IsFinished)
            {
                job.SampleEndedAt = _time.GetTimestamp();
                LeaveSlot(job);
                _batch.Add(job);
            }
            else
            {
                _active[keep++] = job;
            }
        }

        _active.RemoveRange(keep, _active.Count - keep);
        if (_batch.Count > 0)
        {
            DecodeFinished();
        }
    }

    private bool TryApply(JobState job)
    {
        var sampler = job.Sampler!;
        try
        {
            sampler.ApplyStep(job.Row >= 0 ? _logits.AsSpan(job.Row * _n * _v, _n * _v) : []);
        }
#pragma warning disable CA1031 // e.g. non-finite logits: that job fails, the batch goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(job, e);
            return false;
        }

        if (job.Row >= 0)
        {
            job.ForwardPasses++;
        }

        try
        {
            job.Progress?.Report(new JobProgress(job.Job.JobId, sampler.CompletedSteps, sampler.Steps));
        }
#pragma warning disable CA1031 // A caller's progress handler is not allowed to break the batch.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.ProgressFailed(job.Job.JobId, e);
        }

        return true;
    }

    /// <summary>One batched decode for the jobs that finished this iteration, then per job: clamp, composite, PNG.</summary>
    private void DecodeFinished()
    {
        var count = _batch.Count;
        var started = _time.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            _batch[i].Sampler!.Tokens.CopyTo(_tokens.AsSpan(i * _n, _n));
        }

        if (!TryBatch("decode", () => _pack.Codec.Decode(_tokens.AsSpan(0, count * _n), count, _pixels.AsSpan(0, count * _pixelsPerImage))))
        {
            return;
        }

        for (var i = 0; i < count; i++)
        {
            var job = _batch[i];
            try
            {
                var image = _pixels.AsSpan(i * _pixelsPerImage, _pixelsPerImage);
                // The decoder's output is unclamped (DESIGN §2); PNG and compositing expect [0, 1].
                foreach (ref var value in image)
                {
                    value = Math.Clamp(value, 0f, 1f);
                }

                var prepared = job.Prepared;
                if (prepared.PixelMask is { } pixelMask)
                {
                    _images.Composite(prepared.Source!.Pixels, pixelMask, _pack.ImageWidth, _pack.ImageHeight, prepared.FeatherPixels, image);
                }

                var png = _images.EncodePng(image, _pack.ImageWidth, _pack.ImageHeight);
                Complete(job, ResultFactory.Create(job, png, started, _time.GetTimestamp(), _time));
            }
#pragma warning disable CA1031 // Compositing or encoding one job's image must not fail the others.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Fail(job, e);
            }
        }

        _batch.Clear();
    }

    /// <summary>Runs a batched model call over the jobs in <see cref="_batch"/>; on failure every one of them fails.</summary>
    private bool TryBatch(string stage, Action call)
    {
        try
        {
            call();
            return true;
        }
#pragma warning disable CA1031 // A faulted model call fails the jobs in it and no others; the loop keeps serving.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.BatchFailed(stage, _pack.Name, _batch.Count, e);
            foreach (var job in _batch)
            {
                Fail(job, e);
            }

            _batch.Clear();
            return false;
        }
    }

    private void LeaveSlot(JobState job)
    {
        if (job.InSlot)
        {
            job.InSlot = false;
            _load.LeftSlot();
        }
    }

    private void Complete(JobState job, EngineResult result)
    {
        LeaveSlot(job);
        job.Registration.Dispose();
        job.Completion.TrySetResult(result);
        _logger.JobFinished(job.Job.JobId, result.Metadata.Timings.TotalMs, job.ForwardPasses);
    }

    private void Fail(JobState job, Exception error)
    {
        LeaveSlot(job);
        job.Registration.Dispose();
        job.Completion.TrySetException(error);
        _logger.JobFailed(job.Job.JobId, error);
    }

    private void Cancel(JobState job)
    {
        LeaveSlot(job);
        job.Registration.Dispose();
        job.Completion.TrySetCanceled(job.CancellationToken.IsCancellationRequested ? job.CancellationToken : _stop.Token);
        _logger.JobCanceled(job.Job.JobId, job.Sampler?.CompletedSteps ?? 0);
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
                    _load.LeftQueue();
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
