using System.Diagnostics.CodeAnalysis;

namespace Pipeline.Inference;

/// <summary>Which of a pack's denoiser graphs runs (manifest <c>graphs.denoiser</c>, <c>graphs.denoiserInt8</c> or <c>graphs.denoiserFp16</c>).</summary>
public enum DenoiserPrecision
{
    /// <summary>The float32 denoiser every pack has (denoiser.onnx). The default.</summary>
    [SuppressMessage("Naming", "CA1720", Justification = "The precision's own name; also the configuration value.")]
    Float32 = 0,

    /// <summary>
    /// The optional int8 graph (denoiser.int8.onnx, made by training/pipeline_training/quantize.py: 8-bit weights with
    /// a scale per output column, activations quantized to 8 bits at run time, uint8 × uint8 products so every x86 CPU
    /// computes them exactly). Measured faster than Float32 on a CPU with AVX-512 VNNI; on an AVX2-only CPU about as
    /// fast as Float32. Its logits are within the pack's stated parity tolerance of
    /// the float32 ones, not equal, so the same seed gives other tokens than at Float32 (but the same tokens run after
    /// run). A pack without the graph fails to load.
    /// </summary>
    [SuppressMessage("Naming", "CA1720", Justification = "The precision's own name; also the configuration value.")]
    Int8 = 1,

    /// <summary>
    /// The optional float16 graph (denoiser.fp16.onnx, made by training/pipeline_training/fp16.py: float16 weights and
    /// compute, LayerNormalization and Softmax kept float32, int64 tokens in and float32 logits out), for GPUs: only
    /// the CUDA provider has float16 kernels for its operators, so a pack asked for it on CPU fails to load, as does a
    /// pack without the graph. Its logits are within the pack's stated parity tolerance of the float32 ones (measured
    /// by the exporter in a NumPy float16 emulation; <c>pipeline pack verify</c> on a GPU checks ONNX Runtime's own).
    /// </summary>
    Float16 = 2,
}
