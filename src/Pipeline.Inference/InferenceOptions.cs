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

    /// <summary>Threads across independent operators (CPU); 0 lets ONNX Runtime choose. Default 0.</summary>
    [Range(0, 1024)]
    public int InterOpThreads { get; init; }
}
