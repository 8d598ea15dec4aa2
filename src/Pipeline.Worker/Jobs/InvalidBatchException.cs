using Pipeline.Contracts;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// A <see cref="SubmitBatch"/> that breaks the contract (<see cref="SubmitJobRules.Validate(SubmitBatch)"/>). It fails the
/// same way on every attempt, so it is never retried: the message goes to <c>pipeline-batches_error</c> with this as its
/// fault, and nothing of the batch is recorded — the same all-or-nothing answer the Api gives <c>POST /v1/batches</c>.
/// </summary>
public sealed class InvalidBatchException : Exception
{
    public InvalidBatchException(string? batchId, IReadOnlyList<ContractError> errors)
        : base($"batch '{batchId}' rejected: {Describe(errors)}")
    {
        ArgumentNullException.ThrowIfNull(errors);
        BatchId = batchId;
        Errors = errors;
    }

    /// <summary>The batch id as given (may itself be the problem).</summary>
    public string? BatchId { get; }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ContractError> Errors { get; }

    /// <summary>The problems as one line: <c>code: message; code: message</c>.</summary>
    public static string Describe(IReadOnlyList<ContractError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return string.Join("; ", errors.Select(e => $"{e.Code}: {e.Message}"));
    }
}
