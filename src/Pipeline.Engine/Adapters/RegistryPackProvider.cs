using Pipeline.Inference;
using Pipeline.Sampling;

namespace Pipeline.Engine.Adapters;

/// <summary>
/// The engine's pack port over Pipeline.Inference's registry: loads a pack on first use and maps its manifest to an
/// <see cref="EngineModelPack"/> (sizes, sampling defaults). Mapped packs are cached, so the engine always gets the
/// same object for a name, as its port requires.
/// </summary>
/// <remarks>Ownership: the registry owns the ONNX sessions; dispose it after the engine that uses this provider.</remarks>
public sealed class RegistryPackProvider : IModelPackProvider
{
    private readonly Inference.IModelPackProvider _registry;
    private readonly Dictionary<string, EngineModelPack> _mapped = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public RegistryPackProvider(Inference.IModelPackProvider registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
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

    /// <summary>The loaded pack behind <paramref name="name"/> (null = default), or null when there is none.</summary>
    public ModelPack? FindLoaded(string? name) => Find(name) is null ? null : _registry.Get(name ?? _registry.DefaultPackName);

    public static EngineModelPack Map(ModelPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var m = pack.Manifest;
        var engine = new EngineModelPack(m.Name, m.Version, m.Image.Width, m.Image.Height, m.Latent.Height, m.Latent.Width,
            m.CodebookSize, pack.Denoiser, pack.Codec, SamplingDefaultsOf(m.Sampling))
        {
            DenoiserPrecision = pack.DenoiserPrecision == Pipeline.Inference.DenoiserPrecision.Int8 ? "int8" : "fp32",
        };
        engine.EnsureConsistent();
        return engine;
    }

    public static PackSamplingDefaults SamplingDefaultsOf(SamplingDefaults? sampling) => new(
        Temperature: (float)(sampling?.DefaultTemperature ?? 1.0),
        Order: ParseOrder(sampling?.DefaultOrder) ?? UnmaskOrder.Reference);

    /// <summary>"reference", "exact-k" or "confidence" (the manifest's and the messages' spelling); null otherwise.</summary>
    public static UnmaskOrder? ParseOrder(string? name) => name?.ToLowerInvariant() switch
    {
        "reference" => UnmaskOrder.Reference,
        "exact-k" or "exactk" => UnmaskOrder.ExactK,
        "confidence" => UnmaskOrder.Confidence,
        _ => null,
    };
}
