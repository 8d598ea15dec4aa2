using Microsoft.Extensions.Logging;

namespace Pipeline.Inference;

/// <summary>Source-generated log messages of this library.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "CUDA execution provider unavailable ({Reason}); running ONNX Runtime on CPU (its own log above names the missing library). Set the provider to Cpu (worker: Pipeline:Models:Provider; CLI: --provider cpu) to silence this, or to Cuda to fail instead.")]
    public static partial void CudaFallback(ILogger logger, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Loaded model pack {Name} {Version} from {Directory} on {Provider} (denoiser {Precision}) in {ElapsedMs} ms")]
    public static partial void PackLoaded(ILogger logger, string name, string version, string directory, ExecutionProvider provider, DenoiserPrecision precision, long elapsedMs);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Ignoring {Path}: {Reason}")]
    public static partial void PackSkipped(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Pack {Name}: the denoiser's CUDA IOBinding failed its first run ({Reason}); running it without the binding (ONNX Runtime copies the tensors inside each run)")]
    public static partial void BindingFallback(ILogger logger, string name, string reason);
}
