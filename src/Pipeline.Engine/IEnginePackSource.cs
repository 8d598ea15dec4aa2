namespace Pipeline.Engine;

/// <summary>
/// Where the engine finds model packs by name. <see cref="RegistryPackSource"/> serves the packs of a model pack
/// registry; tests and the CLI bench serve packs over fake or recording graphs. A pack must stay usable (and the same
/// object) for the engine's lifetime once returned.
/// </summary>
public interface IEnginePackSource
{
    /// <summary>The pack called <paramref name="name"/>, the default pack when it is null, or null when there is none.</summary>
    EngineModelPack? Find(string? name);

    /// <summary>Names of the packs that can be found, for the message of an unknown-model error.</summary>
    IReadOnlyCollection<string> Names { get; }
}
