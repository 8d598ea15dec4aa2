using Pipeline.Contracts;
using Pipeline.Sampling;
using Pipeline.Sampling.Canvas;

namespace Pipeline.Engine;

/// <summary>
/// Canvas jobs in the loop (docs/canvas.md): a canvas job's step takes one forward row per planned window, in the same
/// batched forward as every other job's rows; its windows' logits go to its <see cref="CanvasSampler"/> in window order.
/// Its source canvas is encoded, and its finished canvas decoded, by the pack's canvas codec, one canvas per call.
/// </summary>
internal sealed partial class PackRunner
{
    private int _rowsBusy;

    /// <summary>Encodes the job's sources on the canvas (when it has any), masks every unknown token and builds its sampler.</summary>
    private void StartCanvas(JobState job)
    {
        try
        {
            var layout = job.Prepared.Canvas!;
            var codec = _pack.Canvas!;
            var tokens = new long[layout.GridHeight * layout.GridWidth];
            if (layout.Sources.Count > 0)
            {
                job.EncodeStartedAt = _time.GetTimestamp();
                codec.Encode(layout.SourcePixels(), layout.HeightPx, layout.WidthPx, tokens);
                (job.EncodeEndedAt, job.EncodeRows) = (_time.GetTimestamp(), 1);
                var known = layout.KnownTokens();
                for (var i = 0; i < tokens.Length; i++)
                {
                    tokens[i] = known[i] ? tokens[i] : _v;
                }
            }
            else
            {
                Array.Fill(tokens, _v);
            }

            job.Canvas = new CanvasSampler(job.Prepared.Settings with { Steps = job.Steps.Used }, _v, layout.Windows, tokens, job.Job.Seed);
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

    /// <summary>Plans the canvas's step and writes its planned windows' tokens from row <paramref name="firstRow"/> on; returns the rows.</summary>
    private int PlanCanvas(JobState job, int firstRow)
    {
        var sampler = job.Canvas!;
        sampler.PlanStep();
        var windows = sampler.PlannedWindows;
        EnsureRows(firstRow + windows.Count);
        for (var i = 0; i < windows.Count; i++)
        {
            sampler.CopyWindowTokens(windows[i], _tokens.AsSpan((firstRow + i) * _n, _n));
        }

        return windows.Count;
    }

    /// <summary>Feeds the canvas's window rows to its sampler in window order and commits the step.</summary>
    private bool TryApplyCanvas(JobState job)
    {
        var sampler = job.Canvas!;
        var rows = sampler.PlannedWindows.Count;
        try
        {
            for (var i = 0; i < rows; i++)
            {
                sampler.AddWindowLogits(sampler.PlannedWindows[i], _logits.AsSpan((job.Row + i) * _n * _v, _n * _v));
            }

            sampler.ApplyStep();
        }
#pragma warning disable CA1031 // e.g. non-finite logits: that job fails, the batch goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(job, e);
            return false;
        }

        if (rows > 0)
        {
            job.ForwardPasses++;
        }

        ReportProgress(job, sampler.CompletedSteps, sampler.Steps);
        return true;
    }

    /// <summary>Decodes a finished canvas, puts its sources back (feathered) and completes the job.</summary>
    private void DecodeCanvas(JobState job)
    {
        try
        {
            var layout = job.Prepared.Canvas!;
            job.DecodeStartedAt = _time.GetTimestamp();
            job.DecodeRows = 1;
            var pixels = new float[3 * layout.WidthPx * layout.HeightPx];
            _pack.Canvas!.Decode(job.Canvas!.Tokens, layout.GridHeight, layout.GridWidth, pixels);
            var png = _images.EncodePng(layout.Compose(pixels));
            job.FinishedAt = _time.GetTimestamp();
            Complete(job, ResultFactory.Create(job, png, _time));
        }
#pragma warning disable CA1031 // Decoding one canvas must not fail the others.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Fail(job, e);
        }
    }

    /// <summary>Grows the batch buffers when a canvas alone needs more rows than the pool's slots (admission lets it run alone).</summary>
    private void EnsureRows(int rows)
    {
        if (rows * _n <= _tokens.Length)
        {
            return;
        }

        Array.Resize(ref _tokens, rows * _n);
        _logits = new float[(long)rows * _n * _v];
    }

    private void ReportProgress(JobState job, int step, int steps)
    {
        try
        {
            job.Progress?.Report(new JobProgress(job.Job.JobId, step, steps));
        }
#pragma warning disable CA1031 // A caller's progress handler is not allowed to break the batch.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.ProgressFailed(job.Job.JobId, e);
        }
    }
}
