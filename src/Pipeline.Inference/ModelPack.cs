using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace Pipeline.Inference;

/// <summary>
/// A loaded model pack: its validated manifest and one ONNX Runtime session per graph, created once and kept for
/// the life of the pack. <see cref="Denoiser"/> and <see cref="Codec"/> are safe to call from several threads.
/// </summary>
/// <remarks>
/// Ownership of native objects: the pack owns three <see cref="OnnxGraph"/>s, each owning its InferenceSession and
/// RunOptions; <see cref="Dispose"/> releases them all, after which the ports must not be called. The
/// SessionOptions live only while the sessions are created (disposed by <see cref="SessionFactory"/>), and the
/// OrtValues of a call live only inside that call. A <see cref="ModelPackRegistry"/> owns the packs it loads.
/// </remarks>
public sealed class ModelPack : IDisposable
{
    private readonly OnnxGraph[] _graphs;
    private readonly SessionFactory _sessions;

    private ModelPack(string directory, ModelPackManifest manifest, ExecutionProvider provider, DenoiserPrecision precision, SessionFactory sessions,
        OnnxGraph encoder, OnnxGraph decoder, OnnxGraph denoiser, TimeSpan loadTime, OnnxGraph[]? denoiserParts = null)
    {
        LoadTime = loadTime;
        Directory = directory;
        Manifest = manifest;
        ActiveProvider = provider;
        DenoiserPrecision = precision;
        _sessions = sessions;
        _graphs = [encoder, decoder, denoiser, .. denoiserParts ?? []];
        VqCodec = new OnnxVqCodec(encoder, decoder, manifest);
        Codec = VqCodec;
        Denoiser = denoiserParts is { Length: > 1 }
            ? new SplitDenoiser([.. denoiserParts.Select(g => new OnnxDenoiser(g, manifest))])
            : new OnnxDenoiser(denoiser, manifest);
    }

    /// <summary>The pack folder (absolute).</summary>
    public string Directory { get; }

    public ModelPackManifest Manifest { get; }

    /// <summary>The provider the sessions actually run on (<see cref="ExecutionProvider.Cpu"/> or <see cref="ExecutionProvider.Cuda"/>, never Auto).</summary>
    public ExecutionProvider ActiveProvider { get; }

    /// <summary>Which denoiser graph <see cref="Denoiser"/> runs (<see cref="InferenceOptions.DenoiserPrecision"/>).</summary>
    public DenoiserPrecision DenoiserPrecision { get; }

    public IDenoiser Denoiser { get; }

    /// <summary>How long <see cref="Load(string, InferenceOptions?, ILogger?)"/> took: reading, hashing, sessions, signature checks.</summary>
    public TimeSpan LoadTime { get; }

    public IVqCodec Codec { get; }

    /// <summary>The codec with its size-generic calls, for <see cref="Canvas.CanvasCodecs"/>.</summary>
    internal OnnxVqCodec VqCodec { get; }

    /// <summary>
    /// Reads and validates <paramref name="directory"/>/manifest.json, checks each graph file's SHA-256, creates the
    /// sessions and checks each graph's real signature against the manifest. The denoiser is the graph of
    /// <see cref="InferenceOptions.DenoiserPrecision"/>: <c>graphs.denoiser</c>, or <c>graphs.denoiserInt8</c>, which a
    /// pack may lack (then this throws, saying how to add it).
    /// </summary>
    /// <exception cref="ModelPackException">Anything wrong with the pack; the message says what and where.</exception>
    public static ModelPack Load(string directory, InferenceOptions? options = null, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        return Load(directory, new SessionFactory(options ?? new InferenceOptions(), logger), logger);
    }

    internal static ModelPack Load(string directory, SessionFactory sessions, ILogger logger)
    {
        var stopwatch = Stopwatch.StartNew();
        directory = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ModelPackException($"Model pack folder not found: {directory}");
        }

        var manifest = ManifestReader.Read(Path.Combine(directory, "manifest.json"));
        var precision = sessions.DenoiserPrecision;
        if (precision == DenoiserPrecision.Float16 && sessions.Requested == ExecutionProvider.Cpu)
        {
            throw Float16NeedsCuda(manifest.Name, directory, "the provider is cpu");
        }

        var denoiser = manifest.Graphs.DenoiserFor(precision) ?? throw MissingVariant(manifest.Name, directory, precision);
        GraphSpec[] specs = [manifest.Graphs.Encoder, manifest.Graphs.Decoder, denoiser];
        string[] roles = ["encoder", "decoder", DenoiserRole(precision)];
        var paths = specs.Select((spec, i) => VerifiedFile(directory, manifest.Name, roles[i], spec)).ToArray();

        InferenceSession[] created;
        ExecutionProvider provider;
        try
        {
            (created, provider) = sessions.Create(paths, decoderIndex: 1);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelPackException($"Pack '{manifest.Name}' at {directory}: ONNX Runtime could not create its sessions (provider {sessions.Requested}): {e.Message}", e);
        }

        // The denoiser (the per-step hot path) binds its tensors on CUDA (GraphBinding); the codec graphs run plain.
        if (precision == DenoiserPrecision.Float16 && provider != ExecutionProvider.Cuda)
        {
            Array.ForEach(created, s => s.Dispose());
            throw Float16NeedsCuda(manifest.Name, directory, "the CUDA provider did not load, so the pack fell back to the CPU");
        }

        var graphs = created.Select((s, i) => new OnnxGraph(s, specs[i], i == 2 ? sessions.DenoiserBindingMemory(provider) : null)).ToArray();
        try
        {
            var errors = roles.SelectMany((role, i) => GraphSignatureCheck.Compare(role, specs[i], created[i])).ToList();
            if (errors.Count > 0)
            {
                throw new ModelPackException($"Pack '{manifest.Name}' at {directory}: the ONNX graphs disagree with manifest.json:{Environment.NewLine}- " +
                    string.Join(Environment.NewLine + "- ", errors));
            }

            // The thread layout (InferenceOptions.DenoiserSessions): on CPU, the denoiser's forward split over that many
            // sessions with the threads shared out; the pack's own denoiser session stays for the checks above.
            var parts = provider == ExecutionProvider.Cpu && sessions.DenoiserSessions > 1
                ? sessions.CreateSplit(paths[2], sessions.DenoiserSessions).Select(s => new OnnxGraph(s, specs[2], sessions.DenoiserBindingMemory(provider))).ToArray()
                : null;
            if (provider == ExecutionProvider.Cuda)
            {
                ProbeBinding(graphs[2], manifest, logger);
            }

            var pack = new ModelPack(directory, manifest, provider, precision, sessions, graphs[0], graphs[1], graphs[2], stopwatch.Elapsed, parts);
            Log.PackLoaded(logger, manifest.Name, manifest.Version, directory, provider, precision, (long)pack.LoadTime.TotalMilliseconds);
            return pack;
        }
        catch
        {
            Array.ForEach(graphs, g => g.Dispose());
            throw;
        }
    }

    public void Dispose() => Array.ForEach(_graphs, g => g.Dispose());

    /// <summary>The manifest's name for the denoiser graph of <paramref name="precision"/> ("denoiser", "denoiserInt8").</summary>
    public static string DenoiserRole(DenoiserPrecision precision) => precision switch
    {
        DenoiserPrecision.Int8 => "denoiserInt8",
        DenoiserPrecision.Float16 => "denoiserFp16",
        _ => "denoiser",
    };

    /// <summary>
    /// A denoiser over this pack's graph of <paramref name="precision"/> in a session of its own, on
    /// <see cref="ActiveProvider"/>, with the same file and signature checks as <see cref="Load(string, InferenceOptions?, ILogger?)"/>;
    /// null when the pack has no such graph. For verification of the graph the pack does not serve with; the caller
    /// disposes the result.
    /// </summary>
    /// <exception cref="ModelPackException">The graph's file or signature is wrong.</exception>
    internal OwnedDenoiser? OpenDenoiser(DenoiserPrecision precision)
    {
        // The fp16 graph opens on CPU too, for verification only: ONNX Runtime runs it there with float32 Casts inserted
        // around the operators its CPU provider has no float16 kernel for (serving it on CPU is refused at load).
        if (Manifest.Graphs.DenoiserFor(precision) is not { } spec)
        {
            return null;
        }

        var role = DenoiserRole(precision);
        var path = VerifiedFile(Directory, Manifest.Name, role, spec);
        InferenceSession session;
        try
        {
            session = _sessions.CreateOn([path], ActiveProvider)[0];
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelPackException($"Pack '{Manifest.Name}' at {Directory}: ONNX Runtime could not create the {role} session ({ActiveProvider}): {e.Message}", e);
        }

        var graph = new OnnxGraph(session, spec, _sessions.DenoiserBindingMemory(ActiveProvider));
        if (ActiveProvider == ExecutionProvider.Cuda)
        {
            ProbeBinding(graph, Manifest, NullLogger.Instance);
        }

        var errors = GraphSignatureCheck.Compare(role, spec, session).ToList();
        if (errors.Count > 0)
        {
            graph.Dispose();
            throw new ModelPackException($"Pack '{Manifest.Name}' at {Directory}: the ONNX graphs disagree with manifest.json:{Environment.NewLine}- " +
                string.Join(Environment.NewLine + "- ", errors));
        }

        return new OwnedDenoiser(new OnnxDenoiser(graph, Manifest), graph);
    }

    // One all-MASK row through the CUDA binding at load (which also warms the device up): should this ONNX Runtime
    // build or device refuse the binding (e.g. no CUDA-pinned allocator), the denoiser runs plain (ONNX Runtime
    // copies inside Run) and a warning says why, rather than every job failing.
    private static void ProbeBinding(OnnxGraph denoiser, ModelPackManifest manifest, ILogger logger)
    {
        long n = manifest.SequenceLength, v = manifest.CodebookSize;
        var tokens = new long[n];
        Array.Fill(tokens, manifest.MaskId);
        var logits = new float[n * v];
        if (denoiser.KeepBindingIfItRuns(g => g.Run<long, float>(tokens, [1, n], logits, [1, n, v])) is { } error)
        {
            Log.BindingFallback(logger, manifest.Name, error.Message.Split('\n', 2)[0].Trim());
        }
    }

    private static ModelPackException MissingVariant(string pack, string directory, DenoiserPrecision precision) => precision == DenoiserPrecision.Float16
        ? new ModelPackException(
            $"Pack '{pack}' at {directory} has no fp16 denoiser (manifest graphs.denoiserFp16), but the fp16 denoiser was asked for " +
            "(--precision fp16, Pipeline__Models__DenoiserPrecision=Float16 or InferenceOptions.DenoiserPrecision). Add one with " +
            $"`PYTHONPATH=training python3 -m pipeline_training.fp16 --pack {directory}` (from the repository root), or run the pack at float32.")
        : new ModelPackException(
            $"Pack '{pack}' at {directory} has no int8 denoiser (manifest graphs.denoiserInt8), but the int8 denoiser was asked for " +
            "(--precision int8, Pipeline__Models__DenoiserPrecision=Int8 or InferenceOptions.DenoiserPrecision). Add one with " +
            $"`PYTHONPATH=training python3 -m pipeline_training.quantize --pack {directory}` (from the repository root), or run the pack at float32.");

    private static ModelPackException Float16NeedsCuda(string pack, string directory, string why) => new(
        $"Pack '{pack}' at {directory}: the fp16 denoiser is served only on the CUDA provider (ONNX Runtime's CPU provider has float16 " +
        $"kernels for few of its operators and runs the rest in float32 behind Casts: no gain, and not what a GPU computes), but {why}. Run it with --provider cuda (worker: Pipeline__Models__Provider=Cuda) on a GPU " +
        "machine, or use --precision fp32 or int8 on CPU.");

    private static string VerifiedFile(string directory, string pack, string role, GraphSpec spec)
    {
        var path = Path.Combine(directory, spec.File);
        if (!File.Exists(path))
        {
            throw new ModelPackException($"Pack '{pack}': the {role} graph file {path} is missing.");
        }

        using var stream = File.OpenRead(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual != spec.Sha256)
        {
            throw new ModelPackException(
                $"Pack '{pack}': SHA-256 of {path} is {actual} but manifest.json says {spec.Sha256}: the file is corrupt, or the manifest belongs to another export.");
        }

        return path;
    }
}
