namespace Pipeline.Inference;

/// <summary>
/// A model pack that cannot be used: missing or corrupt files, an invalid manifest, or graphs that disagree with
/// it. Deployment errors, not transient: the message names the pack, the file and what is wrong.
/// </summary>
public sealed class ModelPackException : Exception
{
    public ModelPackException(string message)
        : base(message)
    {
    }

    public ModelPackException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
