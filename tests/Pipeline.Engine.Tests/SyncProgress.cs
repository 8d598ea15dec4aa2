namespace Pipeline.Engine.Tests;

/// <summary>Reports on the engine's thread (Progress&lt;T&gt; would post), so the order of reports is the order of steps.</summary>
internal sealed class SyncProgress(Action<JobProgress> onReport) : IProgress<JobProgress>
{
    public void Report(JobProgress value) => onReport(value);
}
