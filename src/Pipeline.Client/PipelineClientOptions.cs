using System.ComponentModel.DataAnnotations;

namespace Pipeline.Client;

/// <summary>Where the API is and how hard to retry. Bound from <see cref="SectionName"/> when a host binds it.</summary>
public sealed class PipelineClientOptions
{
    /// <summary>The configuration section: <c>Pipeline:Client</c>.</summary>
    public const string SectionName = "Pipeline:Client";

    /// <summary>Required. The API's base address, e.g. <c>http://localhost:8080/</c>.</summary>
    [Required]
    public Uri? BaseAddress { get; set; }

    /// <summary>The API key sent as <c>X-Api-Key</c>; null sends none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Retries after the first attempt, for network errors, timeouts, 408, 429 and 5xx. Default 5; 0 to 20.</summary>
    [Range(0, 20)]
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>The first retry's delay; each next one doubles, jittered. Default 500 ms; 0 to 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest delay between attempts (also caps a server's <c>Retry-After</c>). Default 30 s; 0 to 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one attempt may take. Default 100 s (a 1000-job batch upload); 1 s to 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Called before each retry (e.g. to tell a user the API is not answering yet); null: nothing.</summary>
    public Action<PipelineRetry>? OnRetry { get; set; }
}

/// <summary>A retry about to happen.</summary>
/// <param name="Attempt">The attempt that failed (1 = the first).</param>
/// <param name="Delay">The wait before the next attempt.</param>
/// <param name="Reason">What went wrong: the status (<c>503 Service Unavailable</c>) or the network error's message.</param>
public sealed record PipelineRetry(int Attempt, TimeSpan Delay, string Reason);
