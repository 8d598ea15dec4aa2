using System.Diagnostics;

namespace Pipeline.Contracts.Telemetry;

/// <summary>
/// The names Pipeline's own telemetry is published under: one <see cref="System.Diagnostics.ActivitySource"/> and one
/// <see cref="System.Diagnostics.Metrics.Meter"/>, both <c>Pipeline</c>, which every host's OpenTelemetry set-up listens
/// to. The libraries create them with the BCL types only (no OpenTelemetry reference): the meter through the host's
/// <c>IMeterFactory</c>, the activity source as one static instance per library.
/// </summary>
public static class PipelineTelemetry
{
    /// <summary>The activity source of the job spans (<see cref="PipelineSpanNames"/>).</summary>
    public const string ActivitySourceName = "Pipeline";

    /// <summary>The meter of every instrument in <see cref="PipelineMetricNames"/>.</summary>
    public const string MeterName = "Pipeline";

    /// <summary>
    /// The W3C trace id (32 hex digits) of the current activity, or null outside any: what a job record keeps so an
    /// operator can open the job's trace (and find its log lines) from <c>GET /v1/jobs/{id}</c>.
    /// </summary>
    public static string? CurrentTraceId() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceId.ToHexString() : null;
}
