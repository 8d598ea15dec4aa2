using System.Diagnostics;
using Pipeline.Contracts.Telemetry;

namespace Pipeline.Engine;

/// <summary>The engine's <see cref="ActivitySource"/> (<see cref="PipelineTelemetry.ActivitySourceName"/>; BCL only).</summary>
internal static class EngineActivities
{
    public static readonly ActivitySource Source = new(PipelineTelemetry.ActivitySourceName);
}
