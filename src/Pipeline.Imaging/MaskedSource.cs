namespace Pipeline.Imaging;

/// <summary>
/// An inpainting's inputs once its mask is known: the work region of the source fitted to the model's size, the mask
/// there (it decides the tokens), and the mask at the source's size (it decides the pixels composited back).
/// </summary>
/// <param name="Work">
/// The region around the mask (<see cref="WorkRegion"/>) at the model's size; its <see cref="FittedImage.Original"/>
/// is the whole source when that is not the model's size.
/// </param>
/// <param name="Mask">The pixels to regenerate at the model's size, max-pooled from the source-size mask.</param>
/// <param name="SourceMask">The pixels to regenerate at the source's size (equal to <paramref name="Mask"/> for a model-size source).</param>
public sealed record MaskedSource(FittedImage Work, PixelMask Mask, PixelMask SourceMask);
