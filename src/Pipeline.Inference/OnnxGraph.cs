using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Pipeline.Inference;

/// <summary>
/// One single-input, single-output graph and its session, run one of two ways:
/// <list type="bullet">
/// <item>plain (the CPU default): each run wraps the caller's own buffers in OrtValues (zero copy: pinned with
/// <c>fixed</c> for the duration of the synchronous Run, and ONNX Runtime writes the output straight into the caller's
/// span), so there are no per-call tensor allocations and no shared mutable state: concurrent runs are safe because
/// InferenceSession.Run is;</item>
/// <item>bound (the CUDA path's denoiser, or on CPU when <see cref="InferenceOptions.CpuIoBinding"/> asks): through a
/// <see cref="GraphBinding"/> whose tensors live in the provider's memory and are reused across runs; concurrent runs
/// then queue on the binding's lock.</item>
/// </list>
/// Both give the same outputs bit for bit on CPU (tested).
/// </summary>
/// <remarks>
/// Ownership: this object owns the <see cref="InferenceSession"/>, the <see cref="RunOptions"/> and the binding, and
/// disposes them; the OrtValues of a plain run are created and disposed inside that run.
/// </remarks>
internal sealed class OnnxGraph : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private GraphBinding? _binding;

    /// <param name="bindingMemory">Where the bound tensors live; null runs plain (see the class summary).</param>
    public OnnxGraph(InferenceSession session, GraphSpec spec, OrtMemoryInfo? bindingMemory = null)
    {
        _session = session;
        _inputNames = [spec.Inputs[0].Name];
        _outputNames = [spec.Outputs[0].Name];
        _binding = bindingMemory is null ? null : new GraphBinding(session, _runOptions, spec, bindingMemory);
    }

    /// <summary>The binding runs go through, or null for plain runs.</summary>
    internal GraphBinding? Binding => _binding;

    public unsafe void Run<TIn, TOut>(ReadOnlySpan<TIn> input, long[] inputShape, Span<TOut> output, long[] outputShape)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        if (_binding is { } binding)
        {
            binding.Run(input, inputShape, output, outputShape);
            return;
        }

        RunPlain(input, inputShape, output, outputShape);
    }

    /// <summary>
    /// Drops the binding after <paramref name="probe"/> (a first run through it) failed with an ONNX Runtime error, so
    /// that the graph runs plain; returns that error, or null when the binding works (or there is none).
    /// </summary>
    internal OnnxRuntimeException? KeepBindingIfItRuns(Action<OnnxGraph> probe)
    {
        if (_binding is null)
        {
            return null;
        }

        try
        {
            probe(this);
            return null;
        }
        catch (OnnxRuntimeException e)
        {
            _binding.Dispose();
            _binding = null;
            return e;
        }
    }

    public void Dispose()
    {
        _binding?.Dispose();
        _session.Dispose();
        _runOptions.Dispose();
    }

    internal static TensorElementType ElementType<T>() =>
        typeof(T) == typeof(float) ? TensorElementType.Float
        : typeof(T) == typeof(long) ? TensorElementType.Int64
        : throw new NotSupportedException($"No ONNX element type for {typeof(T)}.");

    private unsafe void RunPlain<TIn, TOut>(ReadOnlySpan<TIn> input, long[] inputShape, Span<TOut> output, long[] outputShape)
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
}
