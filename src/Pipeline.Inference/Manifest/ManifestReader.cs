using System.Text.Json;

namespace Pipeline.Inference;

/// <summary>Parses and validates manifest.json.</summary>
public static class ManifestReader
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // A missing required member or a null where the schema wants a value is an error, not a silent default.
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>Reads, parses and validates <paramref name="path"/>.</summary>
    /// <exception cref="ModelPackException">Missing file, malformed JSON, or a manifest that breaks the pack contract (every problem listed).</exception>
    public static ModelPackManifest Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelPackException($"Model pack manifest not found: {path}");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <param name="source">Where the JSON came from, for messages.</param>
    public static ModelPackManifest Parse(string json, string source)
    {
        ModelPackManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelPackManifest>(json, Options);
        }
        catch (JsonException e)
        {
            var where = e.Path is null ? string.Empty : $" at {e.Path} (line {e.LineNumber + 1})";
            throw new ModelPackException($"Manifest {source} is not valid{where}: {e.Message}", e);
        }

        if (manifest is null)
        {
            throw new ModelPackException($"Manifest {source} is empty (null).");
        }

        var errors = ManifestValidator.Validate(manifest);
        if (errors.Count > 0)
        {
            throw new ModelPackException($"Manifest {source} of pack '{manifest.Name}' is invalid:{Environment.NewLine}- " +
                string.Join(Environment.NewLine + "- ", errors));
        }

        return manifest;
    }
}
