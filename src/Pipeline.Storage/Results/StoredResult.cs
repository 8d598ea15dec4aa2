namespace Pipeline.Storage.Results;

/// <summary>A stored result read back.</summary>
/// <param name="Keys">Where its files live.</param>
/// <param name="Png">The PNG bytes.</param>
/// <param name="Tokens">The tokens.</param>
/// <param name="MetadataJson">The metadata JSON bytes as written.</param>
public sealed record StoredResult(ResultKeys Keys, byte[] Png, long[] Tokens, byte[] MetadataJson);
