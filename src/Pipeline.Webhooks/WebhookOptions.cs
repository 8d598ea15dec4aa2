using System.ComponentModel.DataAnnotations;

namespace Pipeline.Webhooks;

/// <summary>Webhook signing and delivery. Bound from <see cref="SectionName"/>.</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section: <c>Pipeline:Webhooks</c>.</summary>
    public const string SectionName = "Pipeline:Webhooks";

    /// <summary>Required. The HMAC-SHA256 key shared with receivers; at least 32 characters.</summary>
    [Required]
    [MinLength(32)]
    public string Secret { get; set; } = "";

    /// <summary>
    /// Which event types are delivered (<see cref="WebhookEventFilter"/> syntax): e.g. <c>job.failed,batch.*</c>.
    /// Default <c>*</c> (all).
    /// </summary>
    public string Events { get; set; } = "*";

    /// <summary>Events held for delivery before new ones are dropped. Default 10,000; 1 to 1,000,000.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Deliveries in flight at once, so one slow receiver does not hold up the others. Default 8; 1 to 256.</summary>
    [Range(1, 256)]
    public int MaxConcurrentDeliveries { get; set; } = 8;

    /// <summary>Retries after the first attempt. Default 8; 0 to 30.</summary>
    [Range(0, 30)]
    public int MaxRetryAttempts { get; set; } = 8;

    /// <summary>The first retry's delay; each next one doubles, jittered. Default 1 s; 0 to 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay between attempts. Default 5 minutes; 0 to 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long one attempt may take before it counts as failed. Default 10 s; 1 s to 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Allow callbacks to loopback, private, link-local and other non-public addresses. Default false: callback
    /// URLs come from API clients, and a webhook must not become a way to reach internal services. The check is
    /// made on the addresses actually connected to, so DNS rebinding cannot get around it. Set true only where every
    /// client is trusted (and in tests).
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }
}
