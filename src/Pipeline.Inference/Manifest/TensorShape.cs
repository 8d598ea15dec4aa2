using System.Globalization;
using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>
/// A tensor shape as the manifest writes it: static sizes and named dynamic axes (<see cref="DynamicAxes"/>).
/// Dynamic axes are stored as -1 in <see cref="Dimensions"/>, as ONNX Runtime reports them, with their name in
/// <see cref="Symbols"/>; two shapes are equal when sizes and names agree.
/// </summary>
[JsonConverter(typeof(TensorShapeJsonConverter))]
public sealed class TensorShape : IEquatable<TensorShape>
{
    public const long Dynamic = -1;

    /// <param name="dimensions">Sizes; <see cref="Dynamic"/> for a dynamic axis.</param>
    /// <param name="symbols">The dynamic axes' names (null at static axes); when omitted every dynamic axis is "batch".</param>
    public TensorShape(IReadOnlyList<long> dimensions, IReadOnlyList<string?>? symbols = null)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        Dimensions = [.. dimensions];
        if (symbols is not null && symbols.Count != dimensions.Count)
        {
            throw new ArgumentException($"{symbols.Count} symbols for {dimensions.Count} dimensions.", nameof(symbols));
        }

        Symbols = [.. dimensions.Select((d, i) => d == Dynamic ? symbols?[i] ?? DynamicAxes.Batch : null)];
    }

    /// <summary>Sizes; <see cref="Dynamic"/> (-1) for a dynamic axis.</summary>
    public IReadOnlyList<long> Dimensions { get; }

    /// <summary>The name of each dynamic axis ("batch", "height", …); null at static axes.</summary>
    public IReadOnlyList<string?> Symbols { get; }

    public int Rank => Dimensions.Count;

    /// <summary>The shape for a contract: "batch" first, then <paramref name="staticDimensions"/>.</summary>
    public static TensorShape Batched(params long[] staticDimensions) => new([Dynamic, .. staticDimensions]);

    /// <summary>A shape from sizes (int or long) and axis names (strings), e.g. <c>Of("batch", 3, "height", "width")</c>.</summary>
    public static TensorShape Of(params object[] dimensions) => new(
        [.. dimensions.Select(d => d is string ? Dynamic : Convert.ToInt64(d, CultureInfo.InvariantCulture))],
        [.. dimensions.Select(d => d as string)]);

    public bool Equals(TensorShape? other) =>
        other is not null && Dimensions.SequenceEqual(other.Dimensions) && Symbols.SequenceEqual(other.Symbols, StringComparer.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    public override int GetHashCode() => Dimensions.Aggregate(17, (h, d) => (h * 31) + d.GetHashCode());

    /// <summary>E.g. "[batch, 64, 512]" or "[batch, 3, height, width]".</summary>
    public override string ToString() =>
        "[" + string.Join(", ", Dimensions.Select((d, i) => d == Dynamic ? Symbols[i] : d.ToString(CultureInfo.InvariantCulture))) + "]";
}
