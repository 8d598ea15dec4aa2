namespace Pipeline.Inference;

/// <summary>Where ONNX Runtime runs the graphs.</summary>
public enum ExecutionProvider
{
    /// <summary>CUDA when its provider loads, else CPU (logged once).</summary>
    Auto = 0,

    /// <summary>CPU only.</summary>
    Cpu = 1,

    /// <summary>CUDA or fail: for hosts that must not silently run slowly.</summary>
    Cuda = 2,
}
