using Pipeline.Imaging;
using Pipeline.Sampling.Canvas;

namespace Pipeline.Engine.Canvas;

/// <summary>A source image placed on a canvas with its top-left pixel at (<paramref name="X"/>, <paramref name="Y"/>).</summary>
internal sealed record PlacedImage(RgbImage Image, int X, int Y)
{
    public bool Contains(int x, int y) => x >= X && x < X + Image.Width && y >= Y && y < Y + Image.Height;
}

/// <summary>
/// One canvas job's canvas: its size (multiples of the token size, each side at least the model's), the model-size
/// windows that sample it, and the source images placed on it (none for a generation; one for outpainting; two for a
/// stitch). A token is known when its whole patch lies inside one source; every other token is generated. After decoding,
/// <see cref="Compose"/> puts the sources' pixels back, blended over <see cref="FeatherPixels"/> toward the generated area,
/// so every source pixel farther than the feather from it is the source's own, exactly.
/// </summary>
internal sealed class CanvasLayout(int widthPx, int heightPx, int tokenSize, CanvasWindows windows, IReadOnlyList<PlacedImage> sources,
    float featherPixels)
{
    /// <summary>Fill of the pixels no source covers before encoding: their tokens are masked, so only the encoder's context sees it.</summary>
    private const float UnknownFill = 0.5f;

    public int WidthPx { get; } = widthPx;
    public int HeightPx { get; } = heightPx;
    public int TokenSize { get; } = tokenSize;
    public int GridHeight => HeightPx / TokenSize;
    public int GridWidth => WidthPx / TokenSize;
    public CanvasWindows Windows { get; } = windows;
    public IReadOnlyList<PlacedImage> Sources { get; } = sources;
    public float FeatherPixels { get; } = featherPixels;

    /// <summary>Planar RGB [3, H, W] of the canvas for the encoder: the sources' pixels, <see cref="UnknownFill"/> elsewhere.</summary>
    public float[] SourcePixels()
    {
        var plane = WidthPx * HeightPx;
        var pixels = new float[3 * plane];
        Array.Fill(pixels, UnknownFill);
        foreach (var source in Sources)
        {
            var rgb = source.Image.Rgb;
            for (var y = 0; y < source.Image.Height; y++)
            {
                for (var x = 0; x < source.Image.Width; x++)
                {
                    var i = ((source.Y + y) * WidthPx) + source.X + x;
                    var s = 3 * ((y * source.Image.Width) + x);
                    pixels[i] = rgb[s] / 255f;
                    pixels[plane + i] = rgb[s + 1] / 255f;
                    pixels[(2 * plane) + i] = rgb[s + 2] / 255f;
                }
            }
        }

        return pixels;
    }

    /// <summary>Per token (row-major over the canvas grid): true when its patch lies wholly inside one source.</summary>
    public bool[] KnownTokens()
    {
        var known = new bool[GridHeight * GridWidth];
        for (var r = 0; r < GridHeight; r++)
        {
            for (var c = 0; c < GridWidth; c++)
            {
                var (x0, y0) = (c * TokenSize, r * TokenSize);
                known[(r * GridWidth) + c] = Sources.Any(s => s.Contains(x0, y0) && s.Contains(x0 + TokenSize - 1, y0 + TokenSize - 1));
            }
        }

        return known;
    }

    /// <summary>
    /// The finished canvas: the decoded pixels (planar, unclamped) as 8-bit RGB, with every source pasted back over them.
    /// Inside a source, the weight of the source's pixel is min(1, d / feather), d being the distance from the pixel's
    /// centre to the nearest edge of the source that faces generated pixels (edges on the canvas border face nothing).
    /// Weight 1 copies the source byte unchanged, so those pixels are the source's exactly.
    /// </summary>
    public RgbImage Compose(ReadOnlySpan<float> decoded)
    {
        var image = PlanarPixels.FromPlanar(decoded, WidthPx, HeightPx);
        var rgb = image.Rgb;
        foreach (var source in Sources)
        {
            var (w, h) = (source.Image.Width, source.Image.Height);
            var openLeft = source.X > 0;
            var openTop = source.Y > 0;
            var openRight = source.X + w < WidthPx;
            var openBottom = source.Y + h < HeightPx;
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var d = double.PositiveInfinity;
                    d = openLeft ? Math.Min(d, x + 0.5) : d;
                    d = openTop ? Math.Min(d, y + 0.5) : d;
                    d = openRight ? Math.Min(d, w - x - 0.5) : d;
                    d = openBottom ? Math.Min(d, h - y - 0.5) : d;
                    var alpha = FeatherPixels <= 0 ? 1.0 : Math.Min(1.0, d / FeatherPixels);
                    var s = 3 * ((y * w) + x);
                    var o = 3 * (((source.Y + y) * WidthPx) + source.X + x);
                    for (var ch = 0; ch < 3; ch++)
                    {
                        rgb[o + ch] = alpha >= 1.0
                            ? source.Image.Rgb[s + ch]
                            : (byte)Math.Round((alpha * source.Image.Rgb[s + ch]) + ((1 - alpha) * rgb[o + ch]));
                    }
                }
            }
        }

        return image;
    }
}
