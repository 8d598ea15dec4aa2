namespace Pipeline.Engine;

/// <summary>
/// The job's input or parameters are wrong: a user must change the job. Never retried.
/// <see cref="Code"/> is a stable machine-readable reason (e.g. "image_too_large", "steps_out_of_range").
/// </summary>
public sealed class InvalidJobException(string code, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Code { get; } = code;
}
