namespace Pipeline.Storage.Jobs;

/// <summary>What <see cref="IJobStore.MarkFailedAsync"/> records (the same values <c>JobFailed</c> carries).</summary>
/// <param name="Code">Stable snake_case reason, at most 100 characters.</param>
/// <param name="Message">Human-readable explanation; longer than 2000 characters is cut.</param>
/// <param name="Retryable">False for bad input, true for a transient fault that outlasted the retries.</param>
public sealed record JobFailure(string Code, string Message, bool Retryable);
