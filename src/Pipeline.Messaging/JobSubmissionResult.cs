using Pipeline.Storage.Jobs;

namespace Pipeline.Messaging;

/// <summary>What <see cref="JobSubmission.RecordAndSendAsync"/> did with one job.</summary>
/// <param name="Created">True when this call recorded the job; false when the id existed.</param>
/// <param name="Job">The stored record: the new one, or the existing one unchanged.</param>
/// <param name="DifferingFields">
/// When the id existed with a different request: the fields that differ (<see cref="Pipeline.Contracts.SubmitJobComparison"/>),
/// and nothing was sent. Empty otherwise.
/// </param>
public sealed record JobSubmissionResult(bool Created, JobRecord Job, IReadOnlyList<string> DifferingFields)
{
    /// <summary>True when the id belongs to a job recorded from a different request (an idempotency conflict).</summary>
    public bool Conflicts => DifferingFields.Count > 0;
}
