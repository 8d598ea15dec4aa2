using System.Diagnostics;
using Pipeline.Contracts;
using Pipeline.Contracts.Telemetry;

namespace Pipeline.Engine;

/// <summary>
/// The spans of one job in the engine. The pack loop runs many jobs in one thread, where <see cref="Activity.Current"/>
/// belongs to none of them, so the loop only writes timestamps into the job's <see cref="JobState"/> (and, for a traced job,
/// its steps here); the spans are made afterwards on the caller's side, with those explicit start and end times, under the
/// <see cref="PipelineSpanNames.EngineJob"/> span that <see cref="Start"/> opened as a child of the caller's activity.
/// </summary>
internal sealed class JobTrace
{
    private readonly Activity _job;
    private readonly TimeProvider _time;
    private readonly long _originTimestamp;
    private readonly DateTimeOffset _originUtc;
    private readonly List<StepSample>? _steps;

    private JobTrace(Activity job, TimeProvider time)
    {
        (_job, _time) = (job, time);
        _originTimestamp = time.GetTimestamp();
        _originUtc = time.GetUtcNow();
        // Step events only when the span is recorded (not merely propagated): the buffer costs nothing otherwise.
        _steps = job.IsAllDataRequested ? [] : null;
    }

    /// <summary>The job's span, for logging under it from the loop.</summary>
    public Activity Activity => _job;

    /// <summary>Opens the job's span under <see cref="Activity.Current"/>; null when nobody listens or the sampler drops it.</summary>
    public static JobTrace? Start(EngineJob job, TimeProvider time)
    {
        var activity = EngineActivities.Source.StartActivity(PipelineSpanNames.EngineJob, ActivityKind.Internal);
        if (activity is null)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(PipelineSpanAttributes.JobId, job.JobId);
            activity.SetTag(PipelineSpanAttributes.JobKind, JobKinds.Name(job.Kind));
            activity.SetTag(PipelineSpanAttributes.JobPriority, JobPriorities.Name(job.Priority));
        }

        return new JobTrace(activity, time);
    }

    /// <summary>Called by the pack loop after each step of the job (loop thread only).</summary>
    public void StepDone(long timestamp, int step, int rows) => _steps?.Add(new StepSample(timestamp, step, rows));

    /// <summary>
    /// Makes the child spans from <paramref name="state"/>'s timestamps (what the job got through), records
    /// <paramref name="error"/> on the job's span, and ends it. Call once, on the caller's side, after the job left the loop.
    /// </summary>
    public void End(JobState? state, Exception? error)
    {
        if (state is not null && _job.IsAllDataRequested)
        {
            var pack = state.Prepared.Pack;
            _job.SetTag(PipelineSpanAttributes.Pack, pack.Name);
            if (state.AdmittedAt != 0)
            {
                _job.SetTag(PipelineSpanAttributes.StepsRequested, state.Steps.Requested);
                _job.SetTag(PipelineSpanAttributes.StepsUsed, state.Steps.Used);
            }

            Stop(Child(PipelineSpanNames.EnginePrepare, state.StartedAt, state.EnqueuedAt));
            Stop(Child(PipelineSpanNames.EngineSlotWait, state.EnqueuedAt, state.AdmittedAt));
            Stop(Child(PipelineSpanNames.EngineEncode, state.EncodeStartedAt, state.EncodeEndedAt), state.EncodeRows);
            Sample(state);
            Stop(Child(PipelineSpanNames.EngineDecode, state.DecodeStartedAt, state.FinishedAt), state.DecodeRows);
        }

        if (error is OperationCanceledException)
        {
            _job.SetTag(PipelineSpanAttributes.Canceled, true);
        }
        else if (error is not null)
        {
            _job.AddException(error);
            _job.SetStatus(ActivityStatusCode.Error, error.Message);
        }

        _job.Stop();
    }

    private void Sample(JobState state)
    {
        var sample = Child(PipelineSpanNames.EngineSample, state.SampleStartedAt, state.SampleEndedAt);
        if (sample is null)
        {
            return;
        }

        var forwards = 0;
        var rows = 0L;
        foreach (var step in _steps ?? [])
        {
            sample.AddEvent(new ActivityEvent(PipelineSpanNames.SampleStepEvent, At(step.Timestamp), new ActivityTagsCollection
            {
                [PipelineSpanAttributes.Step] = step.Step,
                [PipelineSpanAttributes.BatchRows] = step.Rows,
            }));
            if (step.Rows > 0)
            {
                forwards++;
                rows += step.Rows;
            }
        }

        sample.SetTag(PipelineSpanAttributes.Forwards, forwards);
        if (forwards > 0)
        {
            sample.SetTag(PipelineSpanAttributes.MeanBatchRows, Math.Round((double)rows / forwards, 2));
        }

        sample.Stop();
    }

    /// <summary>Ends a child span, with the rows of the batched call it took part in when given.</summary>
    private static void Stop(Activity? child, int rows = 0)
    {
        if (child is null)
        {
            return;
        }

        if (rows > 0)
        {
            child.SetTag(PipelineSpanAttributes.BatchRows, rows);
        }

        child.Stop();
    }

    /// <summary>
    /// A child span from <paramref name="from"/> to <paramref name="to"/> (loop timestamps), not yet stopped; none when the
    /// job never got to it (<paramref name="from"/> unset), ending now when it did not get through it (a failure or cancel).
    /// </summary>
    private Activity? Child(string name, long from, long to)
    {
        if (from == 0)
        {
            return null;
        }

        var child = EngineActivities.Source.StartActivity(name, ActivityKind.Internal, _job.Context, startTime: At(from));
        if (child is null)
        {
            return null;
        }

        child.SetEndTime(At(to == 0 ? _time.GetTimestamp() : to).UtcDateTime);
        return child;
    }

    private DateTimeOffset At(long timestamp) => _originUtc + _time.GetElapsedTime(_originTimestamp, timestamp);
}
