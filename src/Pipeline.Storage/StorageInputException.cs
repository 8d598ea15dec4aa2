namespace Pipeline.Storage;

/// <summary>
/// The caller's input is wrong (a malformed job id or input key, an oversized upload, a missing input): a user must
/// change the request. <see cref="Code"/> is stable and snake_case, for <c>JobFailed.Code</c> or an HTTP problem.
/// The resilience pipelines never retry it.
/// </summary>
public sealed class StorageInputException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Malformed job id: it would not name a folder inside the store.</summary>
    public const string InvalidJobId = "invalid_job_id";

    /// <summary>Malformed input key (not <c>sha256:&lt;64 hex&gt;</c>).</summary>
    public const string InvalidInputKey = "invalid_input_key";

    /// <summary>An upload larger than the configured limit.</summary>
    public const string InputTooLarge = "input_too_large";

    /// <summary>An empty upload.</summary>
    public const string InputEmpty = "input_empty";

    /// <summary>Stable machine-readable reason.</summary>
    public string Code { get; } = code;
}
