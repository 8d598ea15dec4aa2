using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Metadata;

namespace Pipeline.Imaging;

/// <summary>
/// The ImageSharp configuration used for untrusted input. Only common formats are registered: TGA has a weak
/// signature (random bytes can pass for one) and TIFF/PBM add attack surface nobody here needs. GIF decodes its
/// first frame only, so an animation cannot multiply the pixel budget checked on the header.
/// </summary>
internal static class ImagingConfiguration
{
    public static Configuration Untrusted { get; } = Create();

    public static string SupportedFormats => "PNG, JPEG, GIF, BMP, WebP";

    private static Configuration Create()
    {
        var configuration = new Configuration(
            new PngConfigurationModule(),
            new JpegConfigurationModule(),
            new GifConfigurationModule(),
            new BmpConfigurationModule(),
            new WebpConfigurationModule());
        configuration.ImageFormatsManager.SetDecoder(GifFormat.Instance, new GifDecoder { DecodingMode = FrameDecodingMode.First });
        return configuration;
    }
}
