using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>
/// A tensor shape as the manifest writes it: static sizes, with the string "batch" marking the one dynamic axis.
/// Dynamic axes are stored as -1, as ONNX Runtime reports them.
/// </summary>
[JsonConverter(typeof(TensorShapeJsonConverter))]
public sealed class TensorShape : IEquatable<TensorShape>
{
    public const long Dynamic = -1;

    public TensorShape(IReadOnlyList<long> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        Dimensions = [.. dimensions];
    }

    /// <summary>Sizes; <see cref="Dynamic"/> (-1) for the batch axis.</summary>
    public IReadOnlyList<long> Dimensions { get; }

    public int Rank => Dimensions.Count;

    /// <summary>The shape for a contract: "batch" first, then <paramref name="staticDimensions"/>.</summary>
    public static TensorShape Batched(params long[] staticDimensions) => new([Dynamic, .. staticDimensions]);

    public bool Equals(TensorShape? other) => other is not null && Dimensions.SequenceEqual(other.Dimensions);

    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    public override int GetHashCode() => Dimensions.Aggregate(17, (h, d) => (h * 31) + d.GetHashCode());

    /// <summary>E.g. "[batch, 64, 512]".</summary>
    public override string ToString() => "[" + string.Join(", ", Dimensions.Select(d => d == Dynamic ? "batch" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
