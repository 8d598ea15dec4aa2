namespace Pipeline.Imaging.Formats;

/// <summary>The formats read from untrusted input, as identified by <see cref="StructureCheck"/>.</summary>
internal enum ImageFormatKind
{
    Png,
    Jpeg,
    Gif,
    Bmp,
    Webp,
    Tga,
}
