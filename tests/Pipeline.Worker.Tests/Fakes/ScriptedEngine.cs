using Pipeline.Engine;

namespace Pipeline.Worker.Tests.Fakes;

/// <summary>An engine whose behaviour a test sets: succeed at once, throw, or run until canceled.</summary>
internal sealed class ScriptedEngine : IJobEngine
{
    private int _calls;

    public Func<EngineJob, CancellationToken, Task<EngineResult>> Run { get; set; } = (job, _) => Task.FromResult(Result(job));

    /// <summary>Completes when a job has entered <see cref="RunAsync"/>.</summary>
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Calls => Volatile.Read(ref _calls);

    public int FreeSlots => 4;

    public int Capacity => 4;

    public int LastBacklog { get; private set; }

    public Task<EngineResult> RunAsync(EngineJob job, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        Started.TrySetResult();
        progress?.Report(new JobProgress(job.JobId, 1, 4));
        return Run(job, cancellationToken);
    }

    public void ReportBacklog(int waitingJobs) => LastBacklog = waitingJobs;

    /// <summary>Runs until <paramref name="token"/> fires.</summary>
    public static async Task<EngineResult> UntilCanceled(EngineJob job, CancellationToken token)
    {
        await Task.Delay(Timeout.Infinite, token);
        return Result(job);
    }

    public static EngineResult Result(EngineJob job) => new(job.JobId, [0x89, 0x50, 0x4E, 0x47], [1, 2, 3, 4], new ResultMetadata
    {
        JobId = job.JobId, Kind = "generation", ModelPack = "fake", ModelVersion = "1", Seed = job.Seed, Priority = "standard",
        StepsRequested = job.Steps ?? 4, StepsUsed = job.Steps ?? 4, Order = "reference", Temperature = 1f,
        Timings = new JobTimings(0, 0, 1, 1, 2),
    });
}
