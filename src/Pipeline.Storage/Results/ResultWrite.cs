namespace Pipeline.Storage.Results;

/// <summary>The outcome of <see cref="IResultStore.WriteAsync"/>.</summary>
/// <param name="Keys">Where the result lives (for <c>JobCompleted</c> and the job record).</param>
/// <param name="Created">True when this call stored it; false when the job already had a result, which was left as it was.</param>
public sealed record ResultWrite(ResultKeys Keys, bool Created);
