using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Pipeline.Inference;

/// <summary>
/// One single-input, single-output graph and its session. Each run wraps the caller's own buffers in OrtValues
/// (zero copy: pinned with <c>fixed</c> for the duration of the synchronous Run, and ONNX Runtime writes the output
/// straight into the caller's span), so there are no per-call tensor allocations and no shared mutable state:
/// concurrent runs are safe because InferenceSession.Run is.
/// </summary>
/// <remarks>
/// Ownership: this object owns the <see cref="InferenceSession"/> and the <see cref="RunOptions"/> and disposes
/// them; the OrtValues of a run are created and disposed inside that run.
/// </remarks>
internal sealed class OnnxGraph : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    public OnnxGraph(InferenceSession session, GraphSpec spec)
    {
        _session = session;
        _inputNames = [spec.Inputs[0].Name];
        _outputNames = [spec.Outputs[0].Name];
    }

    public unsafe void Run<TIn, TOut>(ReadOnlySpan<TIn> input, long[] inputShape, Span<TOut> output, long[] outputShape)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        fixed (TIn* inputPointer = input)
        fixed (TOut* outputPointer = output)
        {
            using var inputValue = OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance, ElementType<TIn>(), inputShape, (IntPtr)inputPointer, (long)input.Length * sizeof(TIn));
            using var outputValue = OrtValue.CreateTensorValueWithData(
                OrtMemoryInfo.DefaultInstance, ElementType<TOut>(), outputShape, (IntPtr)outputPointer, (long)output.Length * sizeof(TOut));
            _session.Run(_runOptions, _inputNames, [inputValue], _outputNames, [outputValue]);
        }
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    private static TensorElementType ElementType<T>() =>
        typeof(T) == typeof(float) ? TensorElementType.Float
        : typeof(T) == typeof(long) ? TensorElementType.Int64
        : throw new NotSupportedException($"No ONNX element type for {typeof(T)}.");
}
