namespace Pipeline.Contracts;

/// <summary>A rectangle to regenerate, in source-image pixels.</summary>
public sealed record MaskRectangle
{
    /// <summary>Left edge in pixels, 0 or more.</summary>
    public required int X { get; init; }

    /// <summary>Top edge in pixels, 0 or more.</summary>
    public required int Y { get; init; }

    /// <summary>Width in pixels, 1 or more. The part outside the image is ignored.</summary>
    public required int Width { get; init; }

    /// <summary>Height in pixels, 1 or more. The part outside the image is ignored.</summary>
    public required int Height { get; init; }
}
