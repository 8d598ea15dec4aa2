using Pipeline.Imaging.Formats;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;

namespace Pipeline.Imaging;

/// <summary>
/// The ImageSharp configuration and decoders used for untrusted input: every format the library's decoders read
/// except TIFF and PBM (attack surface nobody here needs). The decoder is always picked from the format
/// <see cref="StructureCheck"/> identified, never guessed by the library, so TGA (no signature) is only decoded when
/// its header passed a strict check.
/// </summary>
/// <remarks>
/// Decoders ignore metadata: ImageSharp 2 inflates a PNG's compressed text chunks whole into memory (a 100 KB chunk
/// can claim 100 MB) and joins JPEG ICC/XMP segments by repeated copying. The only metadata used, the EXIF block
/// (orientation), comes from the structural check, capped. GIF decodes its first frame only, so an animation cannot
/// multiply the pixel budget. The allocator keeps a small pool (memory goes back after a burst) and refuses any
/// buffer over 256 MiB, four times the largest one an image within the default limits needs.
/// </remarks>
internal static class ImagingConfiguration
{
    private static readonly PngDecoder Png = new() { IgnoreMetadata = true };
    private static readonly JpegDecoder Jpeg = new() { IgnoreMetadata = true };
    private static readonly GifDecoder Gif = new() { IgnoreMetadata = true, DecodingMode = FrameDecodingMode.First };
    private static readonly BmpDecoder Bmp = new();
    private static readonly WebpDecoder Webp = new() { IgnoreMetadata = true };
    private static readonly TgaDecoder Tga = new();

    public static Configuration Untrusted { get; } = Create();

    public static string SupportedFormats => "PNG, JPEG, GIF, BMP, WebP, TGA";

    public static IImageDecoder DecoderFor(ImageFormatKind format) => format switch
    {
        ImageFormatKind.Png => Png,
        ImageFormatKind.Jpeg => Jpeg,
        ImageFormatKind.Gif => Gif,
        ImageFormatKind.Bmp => Bmp,
        ImageFormatKind.Webp => Webp,
        ImageFormatKind.Tga => Tga,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    private static Configuration Create()
    {
        var configuration = new Configuration(
            new PngConfigurationModule(),
            new JpegConfigurationModule(),
            new GifConfigurationModule(),
            new BmpConfigurationModule(),
            new WebpConfigurationModule(),
            new TgaConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                MaximumPoolSizeMegabytes = 64,
                AllocationLimitMegabytes = 256,
            }),
        };
        configuration.ImageFormatsManager.SetDecoder(PngFormat.Instance, Png);
        configuration.ImageFormatsManager.SetDecoder(JpegFormat.Instance, Jpeg);
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, Gif);
        configuration.ImageFormatsManager.SetDecoder(WebpFormat.Instance, Webp);
        return configuration;
    }
}
