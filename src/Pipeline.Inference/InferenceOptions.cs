using System.ComponentModel.DataAnnotations;

namespace Pipeline.Inference;

/// <summary>How a model pack's sessions are created. Bind from configuration section "Inference".</summary>
public sealed record InferenceOptions
{
    /// <summary>Execution provider. Default <see cref="ExecutionProvider.Auto"/>.</summary>
    public ExecutionProvider Provider { get; init; } = ExecutionProvider.Auto;

    /// <summary>
    /// Which denoiser graph every pack runs. Default <see cref="DenoiserPrecision.Float32"/>; with
    /// <see cref="DenoiserPrecision.Int8"/> a pack without <c>graphs.denoiserInt8</c> fails to load.
    /// </summary>
    public DenoiserPrecision DenoiserPrecision { get; init; } = DenoiserPrecision.Float32;

    /// <summary>CUDA device ordinal. Default 0.</summary>
    [Range(0, 64)]
    public int CudaDeviceId { get; init; }

    /// <summary>Threads inside one operator (CPU); 0 lets ONNX Runtime choose (one per physical core). Default 0.</summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; init; }

    /// <summary>
    /// CPU thread layout of the denoiser: how many sessions share a forward's rows, each running its part at the same
    /// time on <see cref="IntraOpThreads"/> (or one per core) divided by this count, at least 1. Default 1 (one session
    /// with every thread). 2 on 2 cores = two 1-thread sessions on half batches. The CUDA provider always uses 1.
    /// </summary>
    [Range(1, 64)]
    public int DenoiserSessions { get; init; } = 1;

    /// <summary>
    /// Whether the denoiser runs through an ONNX Runtime IOBinding on CPU too (buffers allocated once and reused, one
    /// run at a time per session) instead of the plain zero-copy run. The CUDA provider always binds (device memory);
    /// on CPU the plain run was measured as fast or faster (src/Pipeline.Inference/README.md), so the default is false.
    /// It exists so that the binding code the CUDA path uses runs, and is tested, on machines without a GPU.
    /// </summary>
    public bool CpuIoBinding { get; init; }

    /// <summary>Threads across independent operators (CPU); 0 lets ONNX Runtime choose. Default 0.</summary>
    [Range(0, 1024)]
    public int InterOpThreads { get; init; }

    /// <summary>
    /// Whether ONNX Runtime's CPU thread pools spin while waiting for work (<c>session.intra_op.allow_spinning</c>).
    /// Spinning shaves the wake-up off each operator when nothing else needs the cores; in a process that also
    /// serves a broker, a database and HTTP, the spinning threads take the CPU that work needs (a profile of the queue
    /// worker on 2 cores found 28% of its CPU in the pools' spin loops). Every session has its own pool, so a pack's
    /// three sessions spin three pools. Default false, in the CLI as in the worker: `pipeline bench`'s layout table
    /// measured the pack default 1.12–1.14× faster (two runs) end to end without spinning on a quiet 2-core CPU (README, Benchmarks),
    /// the loop's own thread and the decoder's pool being what spinning pools take cores from. Turn it on for a host
    /// with cores to spare after measuring it there.
    /// </summary>
    public bool AllowSpinning { get; init; }

    /// <summary>
    /// Intra-op threads of the VQGAN decoder's session (CPU); 0 = as <see cref="IntraOpThreads"/>. With the engine's
    /// overlapped decode (EngineOptions.OverlapDecode) the decoder runs at the same time as the denoiser's forward, each
    /// with its own thread pool; a decoder with every core then fights the forward for them (1 is the overlap's layout
    /// that `pipeline bench` measures). Default 0.
    /// </summary>
    [Range(0, 1024)]
    public int DecoderIntraOpThreads { get; init; }

    /// <summary>
    /// <see cref="AllowSpinning"/> for the decoder's session alone; null = as <see cref="AllowSpinning"/>. A decoder pool
    /// that spins between its operators takes cores from the forward it overlaps. Default null.
    /// </summary>
    public bool? DecoderAllowSpinning { get; init; }
}
