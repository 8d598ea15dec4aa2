using Pipeline.Imaging;
using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>
/// One iteration's model work: encode the newly admitted sources in one batch, plan a step for every active job, run
/// one batched forward over the rows that commit something, apply each row's logits, and hand the finished jobs to their
/// batched decode (PackRunner.Finishing.cs). A failed batch call fails the jobs in it and no others.
/// </summary>
internal sealed partial class PackRunner
{
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
            if (job.Prepared.Canvas is not null)
            {
                StartCanvas(job);
            }
            else if (job.Prepared.Source is null)
            {
                StartSampling(job, TokenMasks.Generation(_n, _v));
            }
            else
            {
                PlanarPixels.ToPlanar(job.Prepared.Source.Image, _pixels.AsSpan(_batch.Count * _pixelsPerImage, _pixelsPerImage));
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

        var ended = _time.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            (_batch[i].EncodeStartedAt, _batch[i].EncodeEndedAt, _batch[i].EncodeRows) = (started, ended, count);
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
                job.RemaskedTokens = ResultImage.Remasked(prepared, tokens, _v);
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
        var rows = 0;
        foreach (var job in _active)
        {
            job.Row = -1;
            if (job.Canvas is not null)
            {
                // A canvas takes one row per planned window (PackRunner.Canvas.cs), its rows consecutive from job.Row.
                var windows = PlanCanvas(job, rows);
                if (windows > 0)
                {
                    (job.Row, rows) = (rows, rows + windows);
                    _batch.Add(job);
                }
            }
            else if (job.Sampler!.PlanStep() > 0)
            {
                job.Row = rows++;
                job.Sampler.Tokens.CopyTo(_tokens.AsSpan(job.Row * _n, _n));
                _batch.Add(job);
            }
        }

        var skipped = _active.Count - _batch.Count;
        _clock.Lap(LoopPhase.Plan);
        var started = _time.GetTimestamp();
        var forwarded = rows > 0 && TryBatch("forward",
            () => _pack.Denoiser.Forward(_tokens.AsSpan(0, rows * _n), rows, _logits.AsSpan(0, rows * _n * _v)));
        if (rows > 0 && !forwarded)
        {
            _active.RemoveAll(job => job.Row >= 0);
        }

        var stepped = _time.GetTimestamp();
        _clock.Lap(LoopPhase.Forward);
        if (_metrics is not null)
        {
            if (forwarded)
            {
                _metrics.Forward(Tags, rows, _time.GetElapsedTime(started, stepped));
            }

            if (skipped > 0)
            {
                _metrics.Skipped(Tags, skipped);
            }
        }

        _batch.Clear();
        var keep = 0;
        for (var i = 0; i < _active.Count; i++)
        {
            var job = _active[i];
            if (!(job.Canvas is null ? TryApply(job) : TryApplyCanvas(job)))
            {
                continue;
            }

            job.Trace?.StepDone(stepped, job.Sampler?.CompletedSteps ?? job.Canvas!.CompletedSteps, job.Row >= 0 ? rows : 0);

            if (job.Canvas?.IsFinished ?? job.Sampler!.IsFinished)
            {
                // Sampling ended: the job leaves its slot now, so admission can fill it while the job decodes.
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
        _clock.Lap(LoopPhase.Apply);
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

    /// <summary>Runs a batched model call over the jobs in <see cref="_batch"/>; on failure every one of them fails and the batch is emptied.</summary>
    private bool TryBatch(string stage, Action call)
    {
        if (TryBatch(stage, _batch, call))
        {
            return true;
        }

        _batch.Clear();
        return false;
    }

    /// <summary>Runs a batched model call over <paramref name="jobs"/>; on failure every one of them fails.</summary>
    private bool TryBatch(string stage, IReadOnlyList<JobState> jobs, Action call)
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
            _logger.BatchFailed(stage, _pack.Name, jobs.Count, e);
            foreach (var job in jobs)
            {
                Fail(job, e);
            }

            return false;
        }
    }
}
