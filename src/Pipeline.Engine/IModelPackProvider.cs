namespace Pipeline.Engine;

/// <summary>
/// Where the engine finds model packs. The host implements it over the Inference project's ModelPackRegistry.
/// A pack must stay usable (and the same) for the engine's lifetime once returned.
/// </summary>
public interface IModelPackProvider
{
    /// <summary>The pack called <paramref name="name"/>, the default pack when it is null, or null when there is none.</summary>
    EngineModelPack? Find(string? name);

    /// <summary>Names of the packs that can be found, for the message of an unknown-model error.</summary>
    IReadOnlyCollection<string> Names { get; }
}
