namespace Pipeline.Imaging;

/// <summary>An axis-aligned rectangle in pixels: left, top, width, height.</summary>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    public override string ToString() => $"{Width}×{Height} at ({X},{Y})";
}
