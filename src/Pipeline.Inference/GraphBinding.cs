using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Pipeline.Inference;

/// <summary>
/// Runs one single-input, single-output graph through an <see cref="OrtIoBinding"/> whose input and output tensors
/// live in host buffers of one kind (<see cref="OrtMemoryInfo"/>: CUDA-pinned, page-locked memory on the CUDA path, which
/// the GPU reads and writes by DMA; ordinary CPU memory in the tests and when <see cref="InferenceOptions.CpuIoBinding"/>
/// asks for it), allocated once and reused across runs. Per run on CUDA: the tokens copied into the input buffer (a
/// few KiB), host → device by ONNX Runtime when the input is bound, the run, device → host into the output buffer,
/// and the logits copied to the caller's span. Nothing is allocated per run on the managed side.
/// </summary>
/// <remarks>
/// <para>Why host buffers and not device ones: the sampler reads every logit on the CPU, so they must cross to the host
/// each step, and ONNX Runtime 1.31's C# API has no host ↔ device copy for the classic CUDA provider
/// (<c>OrtEnv.CopyTensors</c> answers "Data transfer implementation between source and destination device was not
/// found" unless the provider was registered as a plugin library). Bound host tensors are copied by ONNX Runtime itself,
/// on the session's stream; the intermediate tensors stay on the device in ONNX Runtime's arena.</para>
/// <para>Buffers: allocated for the largest batch seen so far (grown, never shrunk: the engine's batch has a ceiling,
/// so after its first full batch there are no more allocations). The output is bound again only when the batch shape
/// changes (the bound tensors are views of the first batch × … elements of the buffers); the input is bound every run,
/// because ONNX Runtime copies a host input to the device when it is bound.</para>
/// <para>Thread safety: a binding's buffers are one per binding, so one run at a time. <see cref="Run{TIn, TOut}"/>
/// takes a lock; concurrent callers of one graph wait for each other (on a GPU they would queue on its stream
/// anyway). The plain run in <see cref="OnnxGraph"/> needs no lock; the CPU path keeps it unless asked.</para>
/// <para>Ownership: the binding owns its <see cref="OrtIoBinding"/>, allocator, buffers and the OrtValues over
/// them, and disposes them; it does not own the session, the run options (its <see cref="OnnxGraph"/> does) or the
/// memory description.</para>
/// </remarks>
internal sealed class GraphBinding : IDisposable
{
    private static readonly ConcurrentDictionary<int, OrtMemoryInfo> CudaMemories = new();
    private readonly Lock _gate = new();
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly OrtMemoryInfo _memory;
    private OrtAllocator? _allocator;
    private readonly OrtIoBinding _binding;
    private readonly string _inputName;
    private readonly string _outputName;
    private OrtValue? _inputBuffer;
    private OrtValue? _outputBuffer;
    private long _inputCapacity;
    private long _outputCapacity;
    private OrtValue? _inputValue;
    private OrtValue? _outputValue;
    private long[] _boundInputShape = [];
    private long[] _boundOutputShape = [];
    private bool _disposed;

    /// <param name="session">The graph's session (not owned).</param>
    /// <param name="runOptions">The graph's run options (not owned).</param>
    /// <param name="memory">Where the bound tensors live: <see cref="OrtMemoryInfo.DefaultInstance"/> (CPU) or <see cref="CudaPinnedMemory"/>.</param>
    public GraphBinding(InferenceSession session, RunOptions runOptions, GraphSpec spec, OrtMemoryInfo memory)
    {
        _session = session;
        _runOptions = runOptions;
        _memory = memory;
        _inputName = spec.Inputs[0].Name;
        _outputName = spec.Outputs[0].Name;
        _binding = session.CreateIoBinding();
    }

    /// <summary>
    /// CUDA-pinned host memory of device <paramref name="deviceId"/> (the CUDA provider's own pinned allocator), for
    /// the CUDA path's bindings: one description per device for the life of the process (a few bytes of native memory,
    /// shared by every binding, never disposed).
    /// </summary>
    public static OrtMemoryInfo CudaPinnedMemory(int deviceId) => CudaMemories.GetOrAdd(
        deviceId, id => new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA_PINNED, OrtAllocatorType.DeviceAllocator, id, OrtMemType.CpuOutput));

    /// <summary>How many times the buffers were (re)allocated and the tensors (re)bound: for tests of reuse.</summary>
    public int Allocations { get; private set; }

    public int Bindings { get; private set; }

    public unsafe void Run<TIn, TOut>(ReadOnlySpan<TIn> input, long[] inputShape, Span<TOut> output, long[] outputShape)
        where TIn : unmanaged
        where TOut : unmanaged
    {
        long inBytes = (long)input.Length * sizeof(TIn), outBytes = (long)output.Length * sizeof(TOut);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Rebind(OnnxGraph.ElementType<TIn>(), inputShape, inBytes, OnnxGraph.ElementType<TOut>(), outputShape, outBytes);
            input.CopyTo(new Span<TIn>((void*)Address(_inputBuffer!), input.Length));
            // ONNX Runtime copies a bound input to the device where its consumers run when it is bound (IOBinding::BindInput),
            // so the input is bound again after every refill; on CPU that is a view of the same buffer, no copy.
            _binding.BindInput(_inputName, _inputValue!);
            _binding.SynchronizeBoundInputs();
            _session.RunWithBinding(_runOptions, _binding);
            _binding.SynchronizeBoundOutputs();
            new ReadOnlySpan<TOut>((void*)Address(_outputBuffer!), output.Length).CopyTo(output);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _binding.Dispose();
            ReleaseBuffers();
            _allocator?.Dispose();
        }
    }

    // Allocates when a run needs more than the buffers hold; rebinds when the shape differs from the bound one.
    private void Rebind(TensorElementType inType, long[] inShape, long inBytes, TensorElementType outType, long[] outShape, long outBytes)
    {
        if (_inputBuffer is null || _outputBuffer is null || _inputCapacity < inBytes || _outputCapacity < outBytes)
        {
            // Created at the first run, so that a provider without this memory fails there (ModelPack's probe).
            _allocator ??= new OrtAllocator(_session, _memory);
            // Flat byte tensors in the binding's memory; the bound tensors are typed views of their first bytes.
            // Both new before the old ones go, so a failed allocation leaves the binding as it was.
            var newInput = OrtValue.CreateAllocatedTensorValue(_allocator, TensorElementType.UInt8, [Math.Max(inBytes, 1)]);
            OrtValue newOutput;
            try
            {
                newOutput = OrtValue.CreateAllocatedTensorValue(_allocator, TensorElementType.UInt8, [Math.Max(outBytes, 1)]);
            }
            catch
            {
                newInput.Dispose();
                throw;
            }

            ReleaseBuffers();
            (_inputBuffer, _outputBuffer) = (newInput, newOutput);
            (_inputCapacity, _outputCapacity) = (Math.Max(inBytes, 1), Math.Max(outBytes, 1));
            Allocations++;
        }
        else if (inShape.AsSpan().SequenceEqual(_boundInputShape) && outShape.AsSpan().SequenceEqual(_boundOutputShape))
        {
            return;
        }

        _inputValue?.Dispose();
        _outputValue?.Dispose();
        _inputValue = OrtValue.CreateTensorValueWithData(_memory, inType, inShape, Address(_inputBuffer), inBytes);
        _outputValue = OrtValue.CreateTensorValueWithData(_memory, outType, outShape, Address(_outputBuffer), outBytes);
        _binding.ClearBoundInputs();
        _binding.ClearBoundOutputs();
        _binding.BindInput(_inputName, _inputValue);
        _binding.BindOutput(_outputName, _outputValue);
        (_boundInputShape, _boundOutputShape) = ([.. inShape], [.. outShape]);
        Bindings++;
    }

    // The buffer's address (device memory on CUDA: the span is never read, only its start taken).
    private static unsafe IntPtr Address(OrtValue buffer) =>
        (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer.GetTensorMutableRawData()));

    private void ReleaseBuffers()
    {
        _inputValue?.Dispose();
        _outputValue?.Dispose();
        _inputBuffer?.Dispose();
        _outputBuffer?.Dispose();
        (_inputValue, _outputValue, _inputBuffer, _outputBuffer) = (null, null, null, null);
        (_boundInputShape, _boundOutputShape) = ([], []);
    }
}
