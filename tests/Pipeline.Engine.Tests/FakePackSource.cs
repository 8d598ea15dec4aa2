namespace Pipeline.Engine.Tests;

/// <summary>Serves one pack, which is also the default.</summary>
internal sealed class FakePackProvider(EngineModelPack pack) : IModelPackProvider
{
    public IReadOnlyCollection<string> Names { get; } = [pack.Name];

    public EngineModelPack? Find(string? name) => name is null || name == pack.Name ? pack : null;
}
