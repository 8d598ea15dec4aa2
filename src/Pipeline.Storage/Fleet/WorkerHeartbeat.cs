namespace Pipeline.Storage.Fleet;

/// <summary>What a worker reports about itself on each heartbeat: one row of <c>workers</c>, keyed by <see cref="WorkerId"/>.</summary>
public sealed record WorkerHeartbeat
{
    /// <summary>The worker's id (<c>Pipeline:Worker:Id</c>, or generated once per process); 1 to 128 characters.</summary>
    public required string WorkerId { get; init; }

    /// <summary>The machine it runs on.</summary>
    public required string Host { get; init; }

    /// <summary>The model packs it has loaded.</summary>
    public required IReadOnlyList<WorkerPack> Packs { get; init; }

    /// <summary>Which denoiser graph its packs run: <c>float32</c> or <c>int8</c>.</summary>
    public required string DenoiserPrecision { get; init; }

    /// <summary>Where ONNX Runtime actually runs, after any CUDA → CPU fallback: <c>cpu</c> or <c>cuda</c>.</summary>
    public required string ExecutionProvider { get; init; }

    /// <summary>The CUDA device ordinal when <see cref="ExecutionProvider"/> is <c>cuda</c>; otherwise null.</summary>
    public int? CudaDeviceId { get; init; }

    /// <summary>Engine slots: the most jobs one batched forward pass takes.</summary>
    public required int SlotsTotal { get; init; }

    /// <summary>Slots held by running or admitted jobs (0 to <see cref="SlotsTotal"/>).</summary>
    public required int SlotsBusy { get; init; }

    /// <summary>Jobs this process recorded as succeeded or failed since it started.</summary>
    public required long JobsDone { get; init; }

    /// <summary>The worker build's informational version.</summary>
    public required string Version { get; init; }

    /// <summary>When the process started.</summary>
    public required DateTimeOffset StartedAt { get; init; }
}
