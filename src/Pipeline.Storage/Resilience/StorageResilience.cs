using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Telemetry;

namespace Pipeline.Storage.Resilience;

/// <summary>Builds the storage resilience pipeline from its options.</summary>
public static class StorageResilience
{
    /// <summary>
    /// A retry pipeline for <see cref="TransientStorageFaults.IsTransient"/> faults: exponential backoff from
    /// <see cref="StorageResilienceOptions.BaseDelay"/>, capped at <see cref="StorageResilienceOptions.MaxDelay"/>,
    /// jittered when asked. Delays run on <paramref name="timeProvider"/>, so tests advance a fake clock instead
    /// of sleeping. With <paramref name="loggerFactory"/>, Polly's telemetry is on with <see cref="QuietTelemetry"/>:
    /// retries are logged at Debug, and never with the call's result. With <paramref name="metrics"/>, every retry is
    /// counted under the operation the store named (<see cref="StorageOperation"/>).
    /// </summary>
    public static ResiliencePipeline CreatePipeline(StorageResilienceOptions options, TimeProvider timeProvider,
        ILoggerFactory? loggerFactory = null, string name = "pipeline-storage", StorageMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var builder = new ResiliencePipelineBuilder { Name = name, TimeProvider = timeProvider };
        if (loggerFactory is not null)
        {
            builder.ConfigureTelemetry(QuietTelemetry(loggerFactory));
        }

        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientStorageFaults.IsTransient),
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                UseJitter = options.UseJitter,
                OnRetry = args =>
                {
                    metrics?.Retried(args.Context.OperationKey);
                    return default;
                },
            });
        }

        return builder.Build();
    }

    /// <summary>
    /// Polly's defaults log every call at Information with its result, which for the job store is the whole job record
    /// (its request JSON included): several KB per job per host. Here a call's result is never formatted into a log line
    /// (an exception's message still is), a retry or a failed attempt is a Debug line, and an attempt that succeeded is
    /// not logged (Polly's own pipeline executing/executed lines are Debug anyway). Polly's meters still count every event.
    /// </summary>
    internal static TelemetryOptions QuietTelemetry(ILoggerFactory loggerFactory) => new()
    {
        LoggerFactory = loggerFactory,
        ResultFormatter = static (_, _) => null,
        // Polly rates a retry and a handled (failed) attempt Warning and an attempt that succeeded Information.
        SeverityProvider = static args => args.Event.Severity >= ResilienceEventSeverity.Warning
            ? ResilienceEventSeverity.Debug
            : ResilienceEventSeverity.None,
    };
}
