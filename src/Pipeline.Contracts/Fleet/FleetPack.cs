namespace Pipeline.Contracts.Fleet;

/// <summary>A model pack a worker has loaded.</summary>
/// <param name="Name">The manifest name, e.g. <c>emoji-32</c>.</param>
/// <param name="Version">The manifest version.</param>
public sealed record FleetPack(string Name, string Version);
