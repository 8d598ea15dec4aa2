namespace Pipeline.Worker.Jobs;

/// <summary>
/// A job message that names no usable job id: no record can carry its failure, so it goes to the <c>_error</c> queue
/// (never retried) for an operator to read.
/// </summary>
public sealed class UnattributableMessageException(string message) : Exception(message);
