namespace Pipeline.Engine;

/// <summary>
/// A source image decoded and fitted to the model size by <see cref="IImageCodec.DecodeAndFit"/>.
/// </summary>
/// <param name="Pixels">Planar RGB [3, Height, Width] in [0, 1], owned by the engine once returned.</param>
/// <param name="Width">The model image width.</param>
/// <param name="Height">The model image height.</param>
/// <param name="SourceWidth">Width of the image as decoded, before fitting (masks and rectangles are given in it).</param>
/// <param name="SourceHeight">Height of the image as decoded, before fitting.</param>
/// <param name="Description">How it was fitted, for the result metadata, e.g. "resize 64x64 -> 32x32 (center-crop)".</param>
public sealed record FittedImage(float[] Pixels, int Width, int Height, int SourceWidth, int SourceHeight, string Description);
