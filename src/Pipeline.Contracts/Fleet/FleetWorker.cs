namespace Pipeline.Contracts.Fleet;

/// <summary>One live worker as its last heartbeat described it.</summary>
public sealed record FleetWorker
{
    /// <summary>Its id (<c>Pipeline:Worker:Id</c>, or the host name with a random suffix).</summary>
    public required string WorkerId { get; init; }

    /// <summary>The machine it runs on.</summary>
    public required string Host { get; init; }

    /// <summary>Where its models actually run, after any CUDA → CPU fallback: <c>cpu</c> or <c>cuda</c>.</summary>
    public required string ExecutionProvider { get; init; }

    /// <summary>The CUDA device ordinal when on <c>cuda</c>; absent on the CPU.</summary>
    public int? CudaDeviceId { get; init; }

    /// <summary>The denoiser graph its packs run: <c>float32</c> or <c>int8</c>.</summary>
    public required string DenoiserPrecision { get; init; }

    /// <summary>The model packs it has loaded.</summary>
    public required IReadOnlyList<FleetPack> Packs { get; init; }

    /// <summary>Engine slots (the largest batch of one forward pass).</summary>
    public required int SlotsTotal { get; init; }

    /// <summary>Slots held by running or admitted jobs.</summary>
    public required int SlotsBusy { get; init; }

    /// <summary>Jobs it ended (succeeded or failed) since it started.</summary>
    public required long JobsDone { get; init; }

    /// <summary>Its build's informational version.</summary>
    public required string Version { get; init; }

    /// <summary>When it started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Its last heartbeat.</summary>
    public required DateTimeOffset LastSeenAt { get; init; }
}
