namespace Pipeline.Storage.Results;

/// <summary>What a worker stores for one finished job.</summary>
/// <param name="Png">The encoded PNG; not empty.</param>
/// <param name="Tokens">The sampled tokens, row-major; not empty.</param>
/// <param name="MetadataJson">UTF-8 JSON the worker serialized (e.g. the engine's ResultMetadata with <c>ContractJson.Options</c>); must be a JSON object.</param>
public sealed record ResultFiles(ReadOnlyMemory<byte> Png, ReadOnlyMemory<long> Tokens, ReadOnlyMemory<byte> MetadataJson);
