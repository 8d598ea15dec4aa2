using MassTransit;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Storage.Jobs;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// A job's progress as <see cref="JobProgressed"/> events and job-record updates, at most one per interval and none in
/// a job's first interval. The engine reports from its loop thread and must never wait on I/O, so
/// <see cref="Report"/> only stores the latest step; a pump task sends it. Reports are best effort: a lost one is replaced by the next.
/// </summary>
public sealed partial class ProgressReporter : IProgress<JobProgress>, IAsyncDisposable
{
    private readonly SubmitJob _job;
    private readonly IPublishEndpoint _publish;
    private readonly IJobStore _jobs;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private object? _latest; // a boxed JobProgress: one reference swap per report, no lock on the engine thread
    private int _sentStep = -1;

    public ProgressReporter(SubmitJob job, IPublishEndpoint publish, IJobStore jobs, TimeSpan interval, TimeProvider time, ILogger logger)
    {
        (_job, _publish, _jobs, _interval, _time, _logger) = (job, publish, jobs, interval, time, logger);
        _pump = Task.Run(PumpAsync);
    }

    public void Report(JobProgress value)
    {
        Volatile.Write(ref _latest, value);
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another report signalled first; the pump reads the latest value either way.
            }
        }
    }

    /// <summary>How long the job's end waits for a progress report still being sent before leaving it behind.</summary>
    internal static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(5);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            // Bounded: a publish stuck inside MassTransit (the postgres-stop drill caught one waiting forever in its RabbitMQ
            // topology set-up after an outage) must not hold the job, its lease and its message forever. Progress is best effort.
            await _pump.WaitAsync(DisposeWait, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogAbandoned(_logger, _job.JobId);
            return; // the pump still holds _stop and _signal; left to the collector
        }

        _stop.Dispose();
        _signal.Dispose();
    }

    private async Task PumpAsync()
    {
        try
        {
            // The first report waits one interval too: a job that ends sooner is told by its completion event alone, and
            // skipping its progress saves a record update and a publish per job, which the queue bench showed in the
            // CPU cost per job when jobs take less than a second.
            await Task.Delay(_interval, _time, _stop.Token).ConfigureAwait(false);
            while (true)
            {
                await _signal.WaitAsync(_stop.Token).ConfigureAwait(false);
                if (Volatile.Read(ref _latest) is JobProgress progress && progress.Step > _sentStep)
                {
                    _sentStep = progress.Step;
                    await SendAsync(progress).ConfigureAwait(false);
                }

                await Task.Delay(_interval, _time, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The job ended; its completion event says the rest.
        }
    }

    private async Task SendAsync(JobProgress progress)
    {
        try
        {
            await _jobs.ReportProgressAsync(_job.JobId, progress.Step, progress.Steps, _stop.Token).ConfigureAwait(false);
            // Not canceled from here: a publish canceled in the middle of MassTransit's topology set-up can leave the next one
            // waiting on that set-up forever. The job's end stops waiting for it instead (DisposeAsync).
            await _publish.Publish(new JobProgressed
            {
                JobId = _job.JobId,
                BatchId = _job.BatchId,
                Step = progress.Step,
                Steps = progress.Steps,
                At = _time.GetUtcNow(),
            }, CancellationToken.None).WaitAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogProgressFailed(_logger, _job.JobId, e);
        }
    }

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning,
        Message = "Job {JobId}: a progress report was still being sent when the job ended; it is left behind")]
    private static partial void LogAbandoned(ILogger logger, string jobId);

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "Progress of job {JobId} not sent; the next report replaces it")]
    private static partial void LogProgressFailed(ILogger logger, string jobId, Exception exception);
}
