namespace Pipeline.Storage.Jobs;

/// <summary>The outcome of <see cref="IJobStore.InsertBatchAsync"/>.</summary>
/// <param name="Created">True when this call recorded the batch; false when the id existed.</param>
/// <param name="Batch">The stored record with counts.</param>
public sealed record BatchInsert(bool Created, BatchRecord Batch);
