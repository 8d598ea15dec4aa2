using System.Runtime.InteropServices;
using System.Text.Json;

namespace Pipeline.Inference;

/// <summary>
/// The golden vectors the exporter writes next to a pack (golden/golden.json plus raw little-endian .bin files):
/// fixed inputs with the PyTorch outputs, and the tolerances for the float outputs.
/// </summary>
internal sealed class GoldenVectors
{
    private GoldenVectors(IReadOnlyDictionary<string, GoldenTensor> tensors, double decoderTolerance, double denoiserTolerance)
    {
        Tensors = tensors;
        DecoderTolerance = decoderTolerance;
        DenoiserTolerance = denoiserTolerance;
    }

    public IReadOnlyDictionary<string, GoldenTensor> Tensors { get; }

    public double DecoderTolerance { get; }

    public double DenoiserTolerance { get; }

    public GoldenTensor this[string name] =>
        Tensors.TryGetValue(name, out var t) ? t : throw new ModelPackException($"Golden vectors lack tensor '{name}'.");

    public static GoldenVectors Load(string indexPath)
    {
        if (!File.Exists(indexPath))
        {
            throw new ModelPackException($"Golden vector index not found: {indexPath}");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Golden vectors are little-endian.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(indexPath));
            var root = document.RootElement;
            var folder = Path.GetDirectoryName(indexPath)!;
            var tensors = root.GetProperty("tensors").EnumerateObject()
                .ToDictionary(p => p.Name, p => ReadTensor(folder, p.Name, p.Value), StringComparer.Ordinal);
            var tolerance = root.GetProperty("tolerance");
            return new GoldenVectors(tensors, tolerance.GetProperty("decoder").GetDouble(), tolerance.GetProperty("denoiser").GetDouble());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            throw new ModelPackException($"Golden vectors at {indexPath} are unreadable: {e.Message}", e);
        }
    }

    private static GoldenTensor ReadTensor(string folder, string name, JsonElement entry)
    {
        var shape = entry.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
        var dtype = entry.GetProperty("dtype").GetString();
        var bytes = File.ReadAllBytes(Path.Combine(folder, entry.GetProperty("file").GetString()!));
        var count = shape.Aggregate(1L, (a, d) => a * d);
        var elementSize = dtype switch
        {
            TensorSpec.DtypeFloat32 => sizeof(float),
            TensorSpec.DtypeInt64 => sizeof(long),
            _ => throw new ModelPackException($"Golden tensor '{name}' has unsupported dtype '{dtype}'."),
        };
        if (bytes.Length != count * elementSize)
        {
            throw new ModelPackException($"Golden tensor '{name}' has {bytes.Length} bytes; shape [{string.Join(", ", shape)}] of {dtype} needs {count * elementSize}.");
        }

        return dtype == TensorSpec.DtypeFloat32
            ? new GoldenTensor(name, shape, MemoryMarshal.Cast<byte, float>(bytes).ToArray(), null)
            : new GoldenTensor(name, shape, null, MemoryMarshal.Cast<byte, long>(bytes).ToArray());
    }
}
