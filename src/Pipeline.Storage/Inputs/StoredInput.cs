namespace Pipeline.Storage.Inputs;

/// <summary>The outcome of <see cref="IInputStore.PutAsync"/>.</summary>
/// <param name="Key"><c>sha256:&lt;64 hex&gt;</c>.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Created">False when the same bytes were already stored.</param>
public sealed record StoredInput(string Key, long Length, bool Created);
