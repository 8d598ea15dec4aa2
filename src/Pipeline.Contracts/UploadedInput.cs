namespace Pipeline.Contracts;

/// <summary>
/// The answer to <c>POST /v1/inputs</c> (the API writes it, the .NET client reads it): the stored input's key, for
/// <see cref="SubmitJob.SourceImageKey"/> / <see cref="SubmitJob.MaskImageKey"/>, and its size in bytes.
/// </summary>
public sealed record UploadedInput(string Key, long Length);
