using System.ComponentModel.DataAnnotations;

namespace Pipeline.Api.Hosting;

/// <summary>The HTTP API's settings. Bound from <see cref="SectionName"/>.</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section: <c>Pipeline:Api</c>.</summary>
    public const string SectionName = "Pipeline:Api";

    /// <summary>
    /// Keys a client sends in <c>X-Api-Key</c>; at least one (env: <c>Pipeline__Api__ApiKeys__0</c>, …). Every
    /// <c>/v1</c> endpoint requires one; <c>/healthz</c>, <c>/alive</c> and <c>/openapi/v1.json</c> do not.
    /// </summary>
    [Required]
    [MinLength(1, ErrorMessage = "configure at least one API key (Pipeline:Api:ApiKeys)")]
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// Operator keys (env: <c>Pipeline__Api__AdminKeys__0</c>, …): accepted wherever an API key is, and the only keys the
    /// operator endpoints (<c>GET /v1/workers</c>) take; a key from <see cref="ApiKeys"/> gets 403 there. Optional: without
    /// one, the operator endpoints answer nobody. Keys carry no tenant or scope yet beyond this one role.
    /// </summary>
    public List<string> AdminKeys { get; set; } = [];

    /// <summary>The largest request body, in bytes (uploads, inline base64 images, batches). Default 64 MiB; 1 KiB to 1 GiB.</summary>
    [Range(1024L, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How long a submission may wait for the broker (e.g. while it restarts) before answering 503. Default 15 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The Scheduler host's base URL (e.g. <c>http://scheduler:8080</c>); when set, <c>/v1/schedules</c> on this API is
    /// forwarded there, so clients manage augmentation schedules through the same base URL and key. Optional.
    /// </summary>
    public Uri? SchedulerUrl { get; set; }
}
