using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Pipeline.Storage.Resilience;

/// <summary>Builds the storage resilience pipeline from its options.</summary>
public static class StorageResilience
{
    /// <summary>
    /// A retry pipeline for <see cref="TransientStorageFaults.IsTransient"/> faults: exponential backoff from
    /// <see cref="StorageResilienceOptions.BaseDelay"/>, capped at <see cref="StorageResilienceOptions.MaxDelay"/>,
    /// jittered when asked. Delays run on <paramref name="timeProvider"/>, so tests advance a fake clock instead
    /// of sleeping; retries are logged through <paramref name="loggerFactory"/> when given.
    /// </summary>
    public static ResiliencePipeline CreatePipeline(StorageResilienceOptions options, TimeProvider timeProvider,
        ILoggerFactory? loggerFactory = null, string name = "pipeline-storage")
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var builder = new ResiliencePipelineBuilder { Name = name, TimeProvider = timeProvider };
        if (loggerFactory is not null)
        {
            builder.ConfigureTelemetry(loggerFactory);
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
            });
        }

        return builder.Build();
    }
}
