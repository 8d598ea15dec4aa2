using System.ComponentModel.DataAnnotations;
using Pipeline.Inference;

namespace Pipeline.Worker.Hosting;

/// <summary>Which model packs the worker serves. Bound from <see cref="SectionName"/>.</summary>
public sealed class ModelOptions
{
    /// <summary>The configuration section: <c>Pipeline:Models</c>.</summary>
    public const string SectionName = "Pipeline:Models";

    /// <summary>
    /// Folders whose subfolders are packs (each with a manifest.json), relative to the working directory or absolute;
    /// earlier folders win on a name clash. Default: <c>models</c> next to the app, then <c>./models</c>.
    /// </summary>
    public List<string> SearchDirectories { get; set; } = [];

    /// <summary>The pack for jobs that name none; loaded at start (the health check fails until it is). Default <c>emoji-32</c>.</summary>
    [Required]
    public string DefaultPack { get; set; } = "emoji-32";

    /// <summary>Execution provider: Auto (CUDA when it loads, else CPU), Cpu or Cuda. Default Auto.</summary>
    public ExecutionProvider Provider { get; set; } = ExecutionProvider.Auto;

    /// <summary>
    /// Denoiser graph of every pack: Float32, Int8 (the pack's optional int8-quantized denoiser, faster on CPUs with
    /// int8 dot-product instructions; a pack without it fails to load), or Float16 (the pack's optional fp16 denoiser,
    /// CUDA only: with any other provider, or a CUDA that does not start, the pack fails to load). Default Float32.
    /// </summary>
    public DenoiserPrecision DenoiserPrecision { get; set; } = DenoiserPrecision.Float32;

    /// <summary>CUDA device ordinal the packs run on when the provider is CUDA. Default 0.</summary>
    [Range(0, 64)]
    public int CudaDeviceId { get; set; }

    /// <summary>ONNX Runtime threads inside one operator; 0 lets it choose. Default 0.</summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; }

    /// <summary>ONNX Runtime threads across independent operators; 0 lets it choose. Default 0.</summary>
    [Range(0, 1024)]
    public int InterOpThreads { get; set; }

    /// <summary>
    /// CPU denoiser sessions a forward's rows are split over (<see cref="InferenceOptions.DenoiserSessions"/>). Default 1,
    /// which measured no slower than 2 on a 2-core host (README, Benchmarks); the CUDA provider always uses 1.
    /// </summary>
    [Range(1, 64)]
    public int DenoiserSessions { get; set; } = 1;

    /// <summary>
    /// Let ONNX Runtime's CPU thread pools spin while idle. Default false: the worker shares its cores with the broker
    /// client, the database client and HTTP, and on a 2-core host the spinning pools took 28% of its CPU
    /// (<see cref="InferenceOptions.AllowSpinning"/>). Turn it on for a CPU worker with cores to spare.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>
    /// ONNX Runtime threads of the VQGAN decoder's session; 0 = <see cref="IntraOpThreads"/>. Default 0. With
    /// <c>Pipeline:Engine:OverlapDecode</c> the decode runs beside the next forward, and 1 leaves the forward the other
    /// cores (<see cref="InferenceOptions.DecoderIntraOpThreads"/>).
    /// </summary>
    [Range(0, 1024)]
    public int DecoderIntraOpThreads { get; set; }

    /// <summary>Let the decoder's pool spin while idle; unset = <see cref="AllowSpinning"/> (the default; <see cref="InferenceOptions.DecoderAllowSpinning"/>).</summary>
    public bool? DecoderAllowSpinning { get; set; }

    /// <summary>
    /// Run the denoiser through an IOBinding on CPU too (<see cref="InferenceOptions.CpuIoBinding"/>). Default false: on
    /// CPU it measured no faster than the plain run, which needs no lock; CUDA workers always bind.
    /// </summary>
    public bool CpuIoBinding { get; set; }

    /// <summary>Lower standard and bulk jobs toward their minimum steps when the queue backs up. Default true.</summary>
    public bool DegradeUnderBacklog { get; set; } = true;

    /// <summary>The registry options these settings stand for.</summary>
    public ModelPackRegistryOptions ToRegistryOptions()
    {
        var registry = new ModelPackRegistryOptions
        {
            DefaultPackName = DefaultPack,
            Inference = new InferenceOptions
            {
                Provider = Provider,
                CudaDeviceId = CudaDeviceId,
                IntraOpThreads = IntraOpThreads,
                InterOpThreads = InterOpThreads,
                DenoiserSessions = DenoiserSessions,
                DenoiserPrecision = DenoiserPrecision,
                AllowSpinning = AllowSpinning,
                DecoderIntraOpThreads = DecoderIntraOpThreads,
                DecoderAllowSpinning = DecoderAllowSpinning,
                CpuIoBinding = CpuIoBinding,
            },
        };
        return SearchDirectories.Count == 0
            ? registry
            : registry with { SearchDirectories = [.. SearchDirectories.Select(Path.GetFullPath)] };
    }
}
