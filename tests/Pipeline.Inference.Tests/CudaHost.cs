using Microsoft.ML.OnnxRuntime;

namespace Pipeline.Inference.Tests;

/// <summary>
/// Whether this host can run ONNX Runtime on CUDA, found out the way the pack loader finds out: append the CUDA
/// provider and open a session, and take an <see cref="OnnxRuntimeException"/> (no CUDA libraries, no device) as
/// "no". Asked independently of <see cref="ModelPack"/>, so that the provider tests check the loader against the host
/// instead of against itself.
/// </summary>
internal static class CudaHost
{
    private static readonly Lazy<bool> Probe = new(CanOpenASession);

    public static bool IsAvailable => Probe.Value;

    private static bool CanOpenASession()
    {
        using var options = new SessionOptions();
        try
        {
            options.AppendExecutionProvider_CUDA(0);
            using var session = new InferenceSession(Path.Combine(TinyPack.FixtureDirectory, "vq_decoder.onnx"), options);
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }
}
