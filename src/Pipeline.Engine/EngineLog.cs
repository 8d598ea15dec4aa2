using Microsoft.Extensions.Logging;
using Pipeline.Contracts;

namespace Pipeline.Engine;

/// <summary>
/// The engine's log messages, source-generated so the hot path allocates nothing when a level is off. A job's end is Debug
/// here: its host logs the one line per outcome, once the outcome is recorded (the worker's <c>JobOutcomes</c>), and a
/// failure's exception reaches that host, which decides what it means.
/// </summary>
internal static partial class EngineLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Pack loop started for {Pack} {Version} with {Capacity} slots")]
    public static partial void PackLoopStarted(this ILogger logger, string pack, string version, int capacity);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug,
        Message = "Job {JobId} admitted on {Pack}: {Priority}, {StepsUsed} of {StepsRequested} steps at backlog {Backlog}")]
    public static partial void JobAdmitted(this ILogger logger, string jobId, string pack, PriorityClass priority, int stepsUsed, int stepsRequested, int backlog);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Job {JobId} finished in {TotalMs:F0} ms with {Forwards} forward passes")]
    public static partial void JobFinished(this ILogger logger, string jobId, double totalMs, int forwards);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Job {JobId} canceled after {Step} steps")]
    public static partial void JobCanceled(this ILogger logger, string jobId, int step);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Job {JobId} failed")]
    public static partial void JobFailed(this ILogger logger, string jobId, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Batched {Stage} on {Pack} failed for {Rows} jobs")]
    public static partial void BatchFailed(this ILogger logger, string stage, string pack, int rows, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Progress callback of job {JobId} threw; the job continues")]
    public static partial void ProgressFailed(this ILogger logger, string jobId, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Critical, Message = "Pack loop for {Pack} stopped unexpectedly; its jobs fail")]
    public static partial void PackLoopCrashed(this ILogger logger, string pack, Exception exception);
}
