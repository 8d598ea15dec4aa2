namespace Pipeline.Inference;

/// <summary>
/// The names a manifest may give a dynamic tensor axis. Every schema version has <see cref="Batch"/> (axis 0 of
/// every graph tensor); schemaVersion 2 adds the spatial axes of the encoder and decoder, so that one graph
/// encodes or decodes a canvas of any size (docs/architecture.md §2).
/// </summary>
public static class DynamicAxes
{
    public const string Batch = "batch";

    /// <summary>Image height in pixels (encoder input, decoder output): gridHeight × token size.</summary>
    public const string Height = "height";

    /// <summary>Image width in pixels: gridWidth × token size.</summary>
    public const string Width = "width";

    /// <summary>Token grid rows (encoder output, decoder input).</summary>
    public const string GridHeight = "gridHeight";

    /// <summary>Token grid columns.</summary>
    public const string GridWidth = "gridWidth";

    public static IReadOnlyList<string> All { get; } = [Batch, Height, Width, GridHeight, GridWidth];
}
