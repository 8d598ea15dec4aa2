using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>
/// One job inside the engine. Created by RunAsync; after it is queued only its pack loop touches the mutable
/// members, so they need no locking. The timestamps (<see cref="TimeProvider.GetTimestamp"/>; 0 = not reached) make the
/// result's timings and, afterwards on the caller's side, the job's spans (<see cref="JobTrace"/>).
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

    /// <summary>The batched encode this job's source image went through (variation and inpainting), and its rows.</summary>
    public long EncodeStartedAt { get; set; }
    public long EncodeEndedAt { get; set; }
    public int EncodeRows { get; set; }

    /// <summary>The batched decode of the job's tokens until its PNG was made, and the decode's rows.</summary>
    public long DecodeStartedAt { get; set; }
    public long FinishedAt { get; set; }
    public int DecodeRows { get; set; }

    /// <summary>The job's spans when it is traced (the loop adds its steps), else null.</summary>
    public JobTrace? Trace { get; init; }
    public StepDecision Steps { get; set; }
    public TokenSampler? Sampler { get; set; }

    /// <summary>
    /// A variation of a source not of the model's size: the positions it re-masked, whose footprint is composed back
    /// onto the source (<see cref="ResultImage"/>); null otherwise.
    /// </summary>
    public bool[]? RemaskedTokens { get; set; }

    /// <summary>A canvas job's sampler (its windows are its rows); null for a model-size job, which has <see cref="Sampler"/>.</summary>
    public Sampling.Canvas.CanvasSampler? Canvas { get; set; }

    /// <summary>Forward rows the job may take per step: its canvas's window count, else 1. Admission and the load count these.</summary>
    public int Cost => Prepared.Canvas?.Windows.Count ?? 1;

    /// <summary>This iteration's row in the batch buffers, or -1 when the job's step needs no forward.</summary>
    public int Row { get; set; } = -1;

    public int ForwardPasses { get; set; }

    /// <summary>True while the job holds one of the pool's slots (admitted, sampling).</summary>
    public bool InSlot { get; set; }
}
