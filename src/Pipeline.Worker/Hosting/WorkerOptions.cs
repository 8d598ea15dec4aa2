using System.ComponentModel.DataAnnotations;

namespace Pipeline.Worker.Hosting;

/// <summary>How the worker consumes and runs jobs. Bound from <see cref="SectionName"/>.</summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section: <c>Pipeline:Worker</c>.</summary>
    public const string SectionName = "Pipeline:Worker";

    /// <summary>Engine slots: the most jobs one batched forward pass takes. Default 16; 1 to 4096.</summary>
    [Range(1, 4096)]
    public int Capacity { get; set; } = 16;

    /// <summary>
    /// Unacknowledged job messages held by this worker; null: <see cref="DefaultInFlight"/>. Kept near the slot count so
    /// the backlog stays in RabbitMQ, where message priority can still reorder it.
    /// </summary>
    [Range(1, 65535)]
    public int? PrefetchCount { get; set; }

    /// <summary>Jobs consumed at once; null: <see cref="DefaultInFlight"/>.</summary>
    [Range(1, 65535)]
    public int? ConcurrentMessageLimit { get; set; }

    /// <summary>
    /// On shutdown, how long in-flight jobs may run to completion before they are canceled and their messages go back to
    /// the queue for another worker. Default 30 s; 0 to 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Least time between two progress reports of one job (event and record). Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a job's lease on its record lasts unless renewed (<see cref="Jobs.JobLeases"/>): the worker renews it every
    /// third of this while the job runs, and another worker takes over the job of a worker that died once it expires. Shorter
    /// means faster takeover, longer rides out longer stalls (a database outage, a long pause) without a second worker
    /// starting the job. Must exceed the clock difference between workers, whose clocks stamp it. Default 30 s; 1 s to 10 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often this worker sweeps the event outbox for terminal events nobody published yet (a worker that died after
    /// recording a job's end, an outage during the publication, a cancel the Api recorded). Default 1 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long published events stay in the outbox (what was announced, for an operator) before deletion. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan OutboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the job queue's depth is read for the engine's step budgets. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan BacklogPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>MassTransit message retries of a transient fault (after the storage layer's own Polly retries). Default 5; 0 to 20.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 5;

    /// <summary>First message-retry delay; later ones grow exponentially. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest message-retry delay. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Growth step of the exponential message-retry delay. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryIntervalDelta { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Capacity plus a quarter (at least one): a job's slot frees when its sampling ends, but its consumer still
    /// stores the result, updates the record and publishes before the next message comes in, so with exactly
    /// Capacity consumers the engine ran 14.3 of 16 slots busy on average in the queue bench (15.4 with this headroom,
    /// end to end / engine 86% → 90%). The extra jobs wait inside the engine, which admits them by priority too.
    /// </summary>
    public int DefaultInFlight => Capacity + Math.Max(1, Capacity / 4);

    /// <summary>Prefetch as used.</summary>
    public int EffectivePrefetch => PrefetchCount ?? DefaultInFlight;

    /// <summary>Concurrent consumers as used.</summary>
    public int EffectiveConcurrency => ConcurrentMessageLimit ?? DefaultInFlight;
}
