using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>One graph input or output: its name, element type ("float32" or "int64") and shape.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TensorSpec(string Name, string Dtype, TensorShape Shape)
{
    public const string DtypeFloat32 = "float32";
    public const string DtypeInt64 = "int64";
}
