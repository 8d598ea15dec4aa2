namespace Pipeline.Storage.Fleet;

/// <summary>A model pack a worker has loaded: its manifest name and version.</summary>
public sealed record WorkerPack(string Name, string Version);
