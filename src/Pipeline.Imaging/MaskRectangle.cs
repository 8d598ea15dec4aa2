namespace Pipeline.Imaging;

/// <summary>A rectangle to regenerate, in pixels of the image it is given for: left, top, width, height.</summary>
public readonly record struct MaskRectangle(int X, int Y, int Width, int Height);
