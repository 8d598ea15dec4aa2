namespace Pipeline.Engine.Tests;

/// <summary>Serves the given packs; the first is also the default.</summary>
internal sealed class FakePackSource(params EngineModelPack[] packs) : IEnginePackSource
{
    public IReadOnlyCollection<string> Names { get; } = [.. packs.Select(p => p.Name)];

    public EngineModelPack? Find(string? name) => name is null ? packs[0] : packs.FirstOrDefault(p => p.Name == name);
}
