using System.Collections.Concurrent;
using System.Diagnostics;
using Pipeline.Imaging;

namespace Pipeline.Engine;

/// <summary>
/// How finished jobs leave as results: one batched VQGAN decode of the jobs that finished in an iteration, then per job its
/// image (composited over its source for an inpainting), PNG and result. With <see cref="EngineOptions.OverlapDecode"/>
/// this runs on the pack's finisher thread while the loop goes on with the next iteration's forward (docs/architecture.md
/// §4); without it, on the loop, in series, as before.
/// </summary>
/// <remarks>
/// Hand-off: a job's tokens are final when its sampling ends; the loop copies them into the batch's own array, frees the
/// job's slot and hands the batch over, so nothing the finisher reads is a loop buffer. The finisher decodes into its own
/// pixel buffer, one batch at a time in hand-off order. At most <see cref="EngineOptions.MaxFinishingBatches"/> batches are
/// handed over and not yet finished; the loop waits (booked as <see cref="LoopPhase.FinisherWait"/>) rather than pile up
/// more. Shutdown: the loop stops handing over, and the finisher cancels the batches it has not started (a host redelivers
/// them, as it does every job still in the loop) and finishes the one it is decoding; the loop's task ends after it. After
/// a loop crash the finisher still finishes what it was given (those jobs' tokens are final). Each job's task is set once,
/// by whichever of these reaches it.
/// </remarks>
internal sealed partial class PackRunner
{
    private readonly bool _overlap;
    private readonly float[]? _finisherPixels;
    private readonly SemaphoreSlim? _finishSlots;
    private readonly BlockingCollection<FinishBatch>? _finishQueue;
    private readonly Task _finisher;

    /// <summary>Jobs whose sampling ended in one iteration, with their final tokens (null for a canvas, which decodes alone from its sampler).</summary>
    private sealed record FinishBatch(JobState[] Jobs, long[]? Tokens);

    /// <summary>Starts the finisher thread when decoding overlaps (called once by the constructor).</summary>
    private Task StartFinisher() =>
        // A dedicated thread: it blocks in ONNX Runtime for a decode's length, and the loop may block waiting for it.
        Task.Factory.StartNew(RunFinisher, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>
    /// The jobs in <see cref="_batch"/> finished sampling this iteration (their slots already freed): the model-size ones
    /// decode in one batch, each canvas alone (PackRunner.Canvas.cs); here, or on the finisher when decoding overlaps.
    /// </summary>
    private void DecodeFinished()
    {
        var canvases = _batch.Where(job => job.Canvas is not null).ToArray();
        var jobs = _batch.Where(job => job.Canvas is null).ToArray();
        _batch.Clear();
        foreach (var canvas in canvases)
        {
            if (_overlap)
            {
                HandOver(new FinishBatch([canvas], null));
            }
            else
            {
                var started = Stopwatch.GetTimestamp();
                DecodeCanvas(canvas);
                _clock.Book(LoopPhase.Decode, started, Stopwatch.GetTimestamp());
                _clock.Mark();
            }
        }

        if (jobs.Length == 0)
        {
            return;
        }

        var tokens = new long[jobs.Length * _n];
        for (var i = 0; i < jobs.Length; i++)
        {
            jobs[i].Sampler!.Tokens.CopyTo(tokens.AsSpan(i * _n, _n));
        }

        var batch = new FinishBatch(jobs, tokens);
        if (_overlap)
        {
            HandOver(batch);
            return;
        }

        Finish(batch, _pixels, LoopPhase.Decode, LoopPhase.Finish);
        _clock.Mark(); // Finish booked its own phases.
    }

    /// <summary>Hands a batch to the finisher, first waiting while it holds its most (the wait, and the copy before it, booked as <see cref="LoopPhase.FinisherWait"/>).</summary>
    private void HandOver(FinishBatch batch)
    {
        _finishSlots!.Wait();
        _finishQueue!.Add(batch);
        _clock.Lap(LoopPhase.FinisherWait);
    }

    private void RunFinisher()
    {
        foreach (var batch in _finishQueue!.GetConsumingEnumerable())
        {
            try
            {
                if (_stop.IsCancellationRequested)
                {
                    Array.ForEach(batch.Jobs, Cancel);
                }
                else if (batch.Tokens is null)
                {
                    var started = Stopwatch.GetTimestamp();
                    DecodeCanvas(batch.Jobs[0]);
                    _clock.Book(LoopPhase.DecodeOverlapped, started, Stopwatch.GetTimestamp());
                }
                else
                {
                    Finish(batch, _finisherPixels!, LoopPhase.DecodeOverlapped, LoopPhase.FinishOverlapped);
                }
            }
#pragma warning disable CA1031 // A bug here must still complete every job's task (those already completed keep their result).
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.BatchFailed("finish", _pack.Name, batch.Jobs.Length, e);
                Array.ForEach(batch.Jobs, job => Fail(job, e));
            }
            finally
            {
                _finishSlots!.Release();
            }
        }
    }

    /// <summary>Ends the finisher after the loop: no more hand-overs; what it holds is finished or canceled (see the remarks).</summary>
    private async Task StopFinisherAsync()
    {
        if (!_overlap)
        {
            return;
        }

        _finishQueue!.CompleteAdding();
        await _finisher.ConfigureAwait(false);
        _finishQueue.Dispose();
        _finishSlots!.Dispose();
    }

    /// <summary>
    /// One batched decode into <paramref name="pixels"/>, then per job <see cref="FinishJob"/>. A failed decode fails
    /// exactly this batch's jobs; a failed image fails its job alone.
    /// </summary>
    private void Finish(FinishBatch batch, float[] pixels, LoopPhase decodePhase, LoopPhase finishPhase)
    {
        var (jobs, count) = (batch.Jobs, batch.Jobs.Length);
        var clockStarted = Stopwatch.GetTimestamp();
        var started = _time.GetTimestamp();
        foreach (var job in jobs)
        {
            (job.DecodeStartedAt, job.DecodeRows) = (started, count);
        }

        if (!TryBatch("decode", jobs, () => _pack.Codec.Decode(batch.Tokens, count, pixels.AsSpan(0, count * _pixelsPerImage))))
        {
            _clock.Book(decodePhase, clockStarted, Stopwatch.GetTimestamp());
            return;
        }

        var decoded = Stopwatch.GetTimestamp();
        _clock.Book(decodePhase, clockStarted, decoded);
        for (var i = 0; i < count; i++)
        {
            FinishJob(jobs[i], pixels.AsSpan(i * _pixelsPerImage, _pixelsPerImage));
        }

        _clock.Book(finishPhase, decoded, Stopwatch.GetTimestamp());
    }

    /// <summary>One decoded job: its image, PNG and result; its own failure fails it alone.</summary>
    private void FinishJob(JobState job, ReadOnlySpan<float> decoded)
    {
        try
        {
            var png = _images.EncodePng(ResultImage.From(job, decoded, _images));
            job.FinishedAt = _time.GetTimestamp();
            Complete(job, ResultFactory.Create(job, png, _time));
        }
#pragma warning disable CA1031 // Compositing or encoding one job's image must not fail the others.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(job, e);
        }
    }
}
