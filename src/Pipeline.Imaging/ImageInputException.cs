namespace Pipeline.Imaging;

/// <summary>
/// Input that can never be processed (empty, undecodable, oversized image; bad mask). Not transient: callers
/// fail the job with <see cref="Code"/> and the message, and never retry.
/// </summary>
public sealed class ImageInputException : Exception
{
    public ImageInputException(string code, string message)
        : base(message) => Code = code;

    public ImageInputException(string code, string message, Exception innerException)
        : base(message, innerException) => Code = code;

    /// <summary>
    /// A stable machine-readable reason from <see cref="Pipeline.Contracts.ContractErrorCodes"/>: <c>image_empty</c>,
    /// <c>image_undecodable</c>, <c>image_too_large</c>, <c>mask_size_mismatch</c> or <c>mask_invalid</c>.
    /// </summary>
    public string Code { get; }
}
