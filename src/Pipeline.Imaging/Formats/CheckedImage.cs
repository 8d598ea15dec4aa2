namespace Pipeline.Imaging.Formats;

/// <summary>
/// A file that passed its format's structural checks: what to hand the decoder and what to expect back.
/// </summary>
/// <param name="Format">The format, which picks the decoder (never the library's own guess).</param>
/// <param name="Width">Width of the image as shown (the canvas for animations).</param>
/// <param name="Height">Height of the image as shown.</param>
/// <param name="Data">
/// The bytes to decode: the file up to the end of its image (bytes after it are ignored, never parsed), or a
/// rebuilt still for an animation's first frame.
/// </param>
/// <param name="Exif">The EXIF block (TIFF header onwards), at most the metadata limit, or null.</param>
internal sealed record CheckedImage(ImageFormatKind Format, int Width, int Height, ReadOnlyMemory<byte> Data, byte[]? Exif)
{
    /// <summary>Set when <see cref="Data"/> decodes to a frame that must be placed on a transparent canvas.</summary>
    public FramePlacement? Placement { get; init; }
}
