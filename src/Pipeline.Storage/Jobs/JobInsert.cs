namespace Pipeline.Storage.Jobs;

/// <summary>The outcome of <see cref="IJobStore.InsertAsync"/>.</summary>
/// <param name="Created">True when this call recorded the job; false when the id existed.</param>
/// <param name="Job">The stored record: the new one, or the existing one unchanged.</param>
public sealed record JobInsert(bool Created, JobRecord Job);
