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
            if (actualType != t.Dtype || !meta.IsTensor || !SameShape(t.Shape, meta))
            {
                yield return $"{prefix} {side} '{t.Name}': the manifest says {t.Dtype} {t.Shape} " +
                    $"but the ONNX graph has {actualType} {Describe(meta)}.";
            }
        }
    }

    // Static sizes must agree, and a dynamic axis must be dynamic in the graph under the manifest's name (an ONNX graph
    // may leave an axis unnamed; ONNX Runtime then reports an empty name, which is accepted).
    private static bool SameShape(TensorShape declared, NodeMetadata meta)
    {
        if (meta.Dimensions.Length != declared.Rank)
        {
            return false;
        }

        for (var i = 0; i < declared.Rank; i++)
        {
            var actual = meta.Dimensions[i];
            var ok = declared.Dimensions[i] == TensorShape.Dynamic
                ? actual < 0 && (string.IsNullOrEmpty(meta.SymbolicDimensions[i]) || meta.SymbolicDimensions[i] == declared.Symbols[i])
                : actual == declared.Dimensions[i];
            if (!ok)
            {
                return false;
            }
        }

        return true;
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
