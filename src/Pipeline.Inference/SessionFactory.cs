using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Pipeline.Inference;

/// <summary>
/// Creates ONNX Runtime sessions on the configured provider. Under <see cref="ExecutionProvider.Auto"/> it tries
/// CUDA; when the CUDA provider fails to load (no CUDA libraries) or to start (no device), it logs a warning once
/// per factory, remembers the failure so later packs go straight to CPU, and uses CPU. One factory is shared by
/// every pack of a registry, so a process logs the fallback once.
/// </summary>
internal sealed class SessionFactory(InferenceOptions options, ILogger logger)
{
    private readonly Lock _gate = new();
    private bool _cudaFailed;

    /// <summary>The provider asked for, for messages.</summary>
    public ExecutionProvider Requested => options.Provider;

    /// <summary>Sessions that share a denoiser forward on CPU (<see cref="InferenceOptions.DenoiserSessions"/>).</summary>
    public int DenoiserSessions => Math.Max(1, options.DenoiserSessions);

    /// <summary>Which denoiser graph packs load.</summary>
    public DenoiserPrecision DenoiserPrecision => options.DenoiserPrecision;

    /// <summary>
    /// Where a denoiser graph on <paramref name="active"/> binds its tensors (<see cref="GraphBinding"/>): CUDA-pinned
    /// host memory on CUDA, CPU memory when <see cref="InferenceOptions.CpuIoBinding"/> is set, else null (plain runs).
    /// </summary>
    public OrtMemoryInfo? DenoiserBindingMemory(ExecutionProvider active) =>
        active == ExecutionProvider.Cuda ? GraphBinding.CudaPinnedMemory(options.CudaDeviceId)
        : options.CpuIoBinding ? OrtMemoryInfo.DefaultInstance
        : null;

    /// <summary>
    /// Creates one session per file, all on the same provider; the caller owns and disposes them. The session at
    /// <paramref name="decoderIndex"/> (when not -1) is the VQGAN decoder's, on its own threading
    /// (<see cref="InferenceOptions.DecoderIntraOpThreads"/>, <see cref="InferenceOptions.DecoderAllowSpinning"/>).
    /// </summary>
    public (InferenceSession[] Sessions, ExecutionProvider Active) Create(IReadOnlyList<string> modelPaths, int decoderIndex = -1)
    {
        var tryCuda = options.Provider == ExecutionProvider.Cuda
            || (options.Provider == ExecutionProvider.Auto && !Volatile.Read(ref _cudaFailed));
        if (!tryCuda)
        {
            return (CreateAll(modelPaths, cuda: false, decoderIndex: decoderIndex), ExecutionProvider.Cpu);
        }

        try
        {
            return (CreateAll(modelPaths, cuda: true, decoderIndex: decoderIndex), ExecutionProvider.Cuda);
        }
        catch (OnnxRuntimeException e) when (options.Provider == ExecutionProvider.Auto)
        {
            // Create on CPU first: if the CPU also fails, the model is at fault, and its error (not a CUDA
            // warning) is what the caller must see.
            var sessions = CreateAll(modelPaths, cuda: false, decoderIndex: decoderIndex);
            lock (_gate)
            {
                if (!_cudaFailed)
                {
                    _cudaFailed = true;
                    Log.CudaFallback(logger, FirstLine(e.Message));
                }
            }

            return (sessions, ExecutionProvider.Cpu);
        }
    }

    /// <summary>
    /// Sessions on a provider already chosen (a pack's <see cref="ModelPack.ActiveProvider"/>): for a graph opened
    /// after the pack, so that it runs where the pack runs. The caller owns and disposes them.
    /// </summary>
    public InferenceSession[] CreateOn(IReadOnlyList<string> modelPaths, ExecutionProvider active) =>
        CreateAll(modelPaths, cuda: active == ExecutionProvider.Cuda);

    /// <summary>
    /// CPU sessions of one graph for <see cref="SplitDenoiser"/>: <paramref name="count"/> of them, the intra-op threads
    /// (the configured count, or one per core) divided between them. The caller owns and disposes them.
    /// </summary>
    public InferenceSession[] CreateSplit(string modelPath, int count)
    {
        var threads = options.IntraOpThreads > 0 ? options.IntraOpThreads : Environment.ProcessorCount;
        return CreateAll(Enumerable.Repeat(modelPath, count).ToArray(), cuda: false, Math.Max(1, threads / count));
    }

    private InferenceSession[] CreateAll(IReadOnlyList<string> modelPaths, bool cuda, int? intraOpThreads = null, int decoderIndex = -1)
    {
        // The session options are only read while sessions are created; ONNX Runtime copies what it needs.
        using var sessionOptions = NewSessionOptions(cuda, intraOpThreads ?? options.IntraOpThreads, options.AllowSpinning);
        using var decoderOptions = decoderIndex < 0
            ? null
            : NewSessionOptions(cuda, options.DecoderIntraOpThreads > 0 ? options.DecoderIntraOpThreads : options.IntraOpThreads,
                options.DecoderAllowSpinning ?? options.AllowSpinning);
        var sessions = new List<InferenceSession>(modelPaths.Count);
        try
        {
            for (var i = 0; i < modelPaths.Count; i++)
            {
                sessions.Add(new InferenceSession(modelPaths[i], i == decoderIndex ? decoderOptions : sessionOptions));
            }

            return [.. sessions];
        }
        catch
        {
            sessions.ForEach(s => s.Dispose());
            throw;
        }
    }

    private SessionOptions NewSessionOptions(bool cuda, int intraOpThreads, bool allowSpinning)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = options.InterOpThreads,
        };
        try
        {
            if (!allowSpinning)
            {
                sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
                sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", "0");
            }

            if (cuda)
            {
                sessionOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
            }

            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
