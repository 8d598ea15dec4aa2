using Pipeline.Inference;

namespace Pipeline.Engine;

/// <summary>
/// The packs of a model pack registry, as the engine runs them: each loaded on first use and given its own step
/// budgets (its manifest's, under the deployment's <see cref="EngineOptions.Budgets"/>). Mapped packs are cached, so
/// the engine always gets the same object for a name.
/// </summary>
/// <remarks>Ownership: the registry owns the ONNX sessions; dispose it after the engine that uses this source.</remarks>
public sealed class RegistryPackSource : IEnginePackSource
{
    private readonly IModelPackProvider _registry;
    private readonly EngineOptions _options;
    private readonly Dictionary<string, EngineModelPack> _mapped = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public RegistryPackSource(IModelPackProvider registry, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        (_registry, _options) = (registry, options);
    }

    public IReadOnlyCollection<string> Names => _registry.AvailablePackNames;

    /// <summary>The pack the engine runs when a job names none.</summary>
    public string DefaultName => _registry.DefaultPackName;

    /// <inheritdoc />
    /// <exception cref="ModelPackException">The pack exists but cannot be loaded (a deployment fault, not the job's).</exception>
    public EngineModelPack? Find(string? name)
    {
        name ??= _registry.DefaultPackName;
        lock (_gate)
        {
            if (_mapped.TryGetValue(name, out var cached))
            {
                return cached;
            }

            ModelPack pack;
            try
            {
                pack = _registry.Get(name);
            }
            catch (UnknownModelPackException)
            {
                return null;
            }

            var mapped = Map(pack);
            _mapped.Add(name, mapped);
            return mapped;
        }
    }

    /// <summary>The engine's view of <paramref name="pack"/> with the budgets this source gives it (not cached).</summary>
    public EngineModelPack Map(ModelPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var manifest = pack.Manifest;
        var budgets = PackStepBudgets.Resolve(manifest.Sampling, _options.Budgets.GetValueOrDefault(manifest.Name), _options.DegradeUnderBacklog);
        return EngineModelPack.From(pack, budgets, _options.CanvasOnePassMaxTokens);
    }
}
