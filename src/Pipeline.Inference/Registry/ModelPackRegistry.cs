using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Pipeline.Inference;

/// <summary>
/// Finds packs in the search directories by their manifest name, loads each on first use and keeps it (its
/// sessions) for the registry's life. Thread-safe; a pack is loaded once even when requested concurrently.
/// </summary>
/// <remarks>Ownership: the registry owns every pack it loaded and disposes them in <see cref="Dispose"/>.</remarks>
public sealed class ModelPackRegistry : IModelPackProvider, IDisposable
{
    private readonly ModelPackRegistryOptions _options;
    private readonly ILogger _logger;
    private readonly SessionFactory _sessions;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ModelPack> _loaded = new(StringComparer.Ordinal);
    private bool _disposed;

    public ModelPackRegistry(ModelPackRegistryOptions options, ILogger<ModelPackRegistry> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _logger = logger;

        // One factory for all packs: the CUDA fallback is decided, and logged, once per registry.
        _sessions = new SessionFactory(options.Inference, logger);
    }

    public string DefaultPackName => _options.DefaultPackName;

    /// <summary>
    /// Raised once per pack, right after it loaded (on the loading thread, inside the registry's lock: handlers must be
    /// quick and must not call back into the registry). The engine records the load time from it.
    /// </summary>
    public event Action<ModelPack>? Loaded;

    public IReadOnlyList<string> AvailablePackNames => [.. Discover().Keys.Order(StringComparer.Ordinal)];

    /// <summary>The packs loaded so far (what this process serves without loading more), ordered by name.</summary>
    public IReadOnlyList<ModelPack> LoadedPacks
    {
        get
        {
            lock (_gate)
            {
                return [.. _loaded.Values.OrderBy(p => p.Manifest.Name, StringComparer.Ordinal)];
            }
        }
    }

    public ModelPack Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loaded.TryGetValue(name, out var pack))
            {
                return pack;
            }

            // Scanned on every miss, so a pack copied in while the host runs is found without a restart.
            var found = Discover();
            if (!found.TryGetValue(name, out var directory))
            {
                throw new UnknownModelPackException(name, [.. found.Keys.Order(StringComparer.Ordinal)], _options.SearchDirectories);
            }

            pack = ModelPack.Load(directory, _sessions, _logger);
            _loaded.Add(name, pack);
            Loaded?.Invoke(pack);
            return pack;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var pack in _loaded.Values)
            {
                pack.Dispose();
            }

            _loaded.Clear();
        }
    }

    // Manifest name → pack folder. Only the name is read here: a broken pack must not hide the others, and its
    // full validation happens (with a precise error) when it is requested.
    private Dictionary<string, string> Discover()
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var root in _options.SearchDirectories.Where(Directory.Exists))
        {
            foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                var manifest = Path.Combine(folder, "manifest.json");
                if (File.Exists(manifest) && ReadName(manifest) is { } name)
                {
                    found.TryAdd(name, folder);
                }
            }
        }

        return found;
    }

    private string? ReadName(string manifestPath)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(manifestPath));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                return name.GetString();
            }

            Log.PackSkipped(_logger, manifestPath, "no \"name\"");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            Log.PackSkipped(_logger, manifestPath, e.Message);
        }

        return null;
    }
}
