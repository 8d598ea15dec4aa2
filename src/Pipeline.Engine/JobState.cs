using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>
/// One job inside the engine. Created by RunAsync; after it is queued only its pack loop touches the mutable
/// members, so they need no locking.
/// </summary>
internal sealed class JobState(PreparedJob prepared, IProgress<JobProgress>? progress, long startedAt, CancellationToken cancellationToken)
{
    public PreparedJob Prepared { get; } = prepared;
    public EngineJob Job => Prepared.Job;
    public IProgress<JobProgress>? Progress { get; } = progress;
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Continuations run asynchronously so a caller's await never runs on the pack loop.</summary>
    public TaskCompletionSource<EngineResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CancellationTokenRegistration Registration { get; set; }
    public long StartedAt { get; } = startedAt;
    public long EnqueuedAt { get; set; }
    public long AdmittedAt { get; set; }
    public long SampleStartedAt { get; set; }
    public long SampleEndedAt { get; set; }
    public double EncodeMs { get; set; }
    public StepDecision Steps { get; set; }
    public TokenSampler? Sampler { get; set; }

    /// <summary>This iteration's row in the batch buffers, or -1 when the job's step needs no forward.</summary>
    public int Row { get; set; } = -1;

    public int ForwardPasses { get; set; }

    /// <summary>True while the job holds one of the pool's slots (admitted, sampling).</summary>
    public bool InSlot { get; set; }
}
