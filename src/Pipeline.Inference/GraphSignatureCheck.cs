using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Pipeline.Inference;

/// <summary>
/// Compares what an ONNX graph actually declares (input/output names, element types, dimensions) with the
/// manifest, so that a pack whose manifest lies fails at load with a message naming the graph, the tensor and both
/// shapes, instead of failing, or worse computing garbage, at the first job.
/// </summary>
internal static class GraphSignatureCheck
{
    public static IEnumerable<string> Compare(string role, GraphSpec spec, InferenceSession session)
    {
        var prefix = $"Graph '{role}' ({spec.File})";
        return Side(prefix, "input", spec.Inputs, session.InputMetadata)
            .Concat(Side(prefix, "output", spec.Outputs, session.OutputMetadata));
    }

    private static IEnumerable<string> Side(string prefix, string side, IReadOnlyList<TensorSpec> declared, IReadOnlyDictionary<string, NodeMetadata> actual)
    {
        var declaredNames = declared.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        if (!declaredNames.SetEquals(actual.Keys))
        {
            yield return $"{prefix}: the manifest lists {side}s [{string.Join(", ", declared.Select(t => t.Name))}] " +
                $"but the ONNX graph has [{string.Join(", ", actual.Keys)}].";
            yield break;
        }

        foreach (var t in declared)
        {
            var meta = actual[t.Name];
            var actualType = meta.IsTensor ? Dtype(meta.ElementDataType) : meta.OnnxValueType.ToString();
            var actualShape = meta.IsTensor ? new TensorShape([.. meta.Dimensions.Select(d => d < 0 ? TensorShape.Dynamic : (long)d)]) : null;
            if (actualType != t.Dtype || !t.Shape.Equals(actualShape))
            {
                yield return $"{prefix} {side} '{t.Name}': the manifest says {t.Dtype} {t.Shape} " +
                    $"but the ONNX graph has {actualType} {Describe(meta)}.";
            }
        }
    }

    private static string Dtype(TensorElementType type) => type switch
    {
        TensorElementType.Float => TensorSpec.DtypeFloat32,
        TensorElementType.Int64 => TensorSpec.DtypeInt64,
        _ => type.ToString().ToLowerInvariant(),
    };

    // The graph's own spelling: symbolic axes by their name (e.g. "batch", "N").
    private static string Describe(NodeMetadata meta) => !meta.IsTensor ? string.Empty :
        "[" + string.Join(", ", meta.Dimensions.Select((d, i) => d >= 0
            ? d.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.IsNullOrEmpty(meta.SymbolicDimensions[i]) ? "?" : meta.SymbolicDimensions[i])) + "]";
}
