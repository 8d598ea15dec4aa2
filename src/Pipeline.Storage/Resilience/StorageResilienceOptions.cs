using System.ComponentModel.DataAnnotations;

namespace Pipeline.Storage.Resilience;

/// <summary>
/// Retry of transient storage faults (<c>NpgsqlException.IsTransient</c>, I/O errors other than "not found"):
/// exponential backoff with jitter. Bad input (<see cref="StorageInputException"/>, argument errors) is never
/// retried. Bound from <see cref="SectionName"/>.
/// </summary>
public sealed class StorageResilienceOptions
{
    /// <summary>The configuration section: <c>Pipeline:Storage:Resilience</c>.</summary>
    public const string SectionName = "Pipeline:Storage:Resilience";

    /// <summary>Retries after the first attempt. Default 4; 0 (no retry) to 20.</summary>
    [Range(0, 20)]
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>The first retry's delay; each next one doubles. Default 200 ms; 0 to 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest delay between attempts. Default 5 s; 0 to 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Randomize delays (decorrelated jitter) so that many workers do not retry in step. Default true.</summary>
    public bool UseJitter { get; set; } = true;
}
