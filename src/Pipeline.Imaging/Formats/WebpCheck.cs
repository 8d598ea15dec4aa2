using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// Checks a WebP's RIFF container before it is decoded: the RIFF size against the file, every chunk inside it,
/// the VP8/VP8L bitstream headers (a lossy key frame's first partition inside its chunk), and for the extended
/// format (VP8X) the canvas against the bitstream (a still) or against every animation frame. The decoder reads
/// no animation, so an animated WebP's first frame is handed over as a still of its own (<see cref="WebpStill"/>)
/// and placed on the canvas after decoding. Bytes after the RIFF end are ignored: the decoder, which would read
/// on to the end of the stream, gets the file up to it.
/// </summary>
internal static class WebpCheck
{
    public static CheckedImage Check(byte[] data, CheckContext context)
    {
        var end = 8L + BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(4));
        if (end > data.Length)
        {
            throw context.Truncated($"it has {data.Length} bytes but its RIFF header says {end}");
        }

        var chunks = Chunks(data, 12, (int)end, context);
        if (chunks.Count == 0)
        {
            throw context.Truncated("it has no chunks after its RIFF header");
        }

        var whole = data.AsMemory(0, (int)end);
        switch (chunks[0].Type)
        {
            case "VP8 " or "VP8L":
                var (width, height) = BitstreamSize(data, chunks[0], context);
                context.CheckSize(width, height);
                return new CheckedImage(ImageFormatKind.Webp, width, height, whole, null);
            case "VP8X":
                return Extended(data, chunks, whole, context);
            default:
                throw context.Inconsistent($"its first chunk is '{chunks[0].Type}', not an image");
        }
    }

    private static CheckedImage Extended(byte[] data, List<WebpChunk> chunks, ReadOnlyMemory<byte> whole, CheckContext context)
    {
        var header = chunks[0].Payload(data);
        if (header.Length < 10 || (header[0] & 0xC0) != 0)
        {
            throw context.Inconsistent("its extended header (VP8X) is invalid");
        }

        int width = Uint24(header[4..]) + 1, height = Uint24(header[7..]) + 1;
        context.CheckSize(width, height);
        var exif = chunks.FirstOrDefault(c => c.Type == "EXIF") is { Type: not null } e ? context.Exif(e.Payload(data)) : null;
        if ((header[0] & 0x02) != 0)
        {
            return Animated(data, chunks, width, height, exif, context);
        }

        var images = chunks.Where(c => c.Type is "VP8 " or "VP8L").ToList();
        if (images.Count != 1)
        {
            throw context.Inconsistent($"it is a still with {images.Count} image bitstreams instead of one");
        }

        var (imageWidth, imageHeight) = BitstreamSize(data, images[0], context);
        if (imageWidth != width || imageHeight != height)
        {
            throw context.Inconsistent($"its canvas (VP8X) is {width}×{height} but its image is {imageWidth}×{imageHeight}");
        }

        return new CheckedImage(ImageFormatKind.Webp, width, height, whole, exif);
    }

    private static CheckedImage Animated(byte[] data, List<WebpChunk> chunks, int width, int height, byte[]? exif, CheckContext context)
    {
        CheckedImage? first = null;
        var number = 0;
        foreach (var frame in chunks.Where(c => c.Type == "ANMF"))
        {
            number++;
            var f = frame.Payload(data);
            if (f.Length < 16)
            {
                throw context.Inconsistent($"animation frame {number} has a header of {f.Length} bytes");
            }

            int x = 2 * Uint24(f), y = 2 * Uint24(f[3..]), frameWidth = Uint24(f[6..]) + 1, frameHeight = Uint24(f[9..]) + 1;
            if (x + frameWidth > width || y + frameHeight > height)
            {
                throw context.Inconsistent($"animation frame {number} is {frameWidth}×{frameHeight} at ({x}, {y}), outside its {width}×{height} canvas");
            }

            var parts = Chunks(data, frame.Offset + 16, frame.Offset + frame.Length, context);
            var image = parts.FirstOrDefault(c => c.Type is "VP8 " or "VP8L");
            if (image.Type is null)
            {
                throw context.Inconsistent($"animation frame {number} has no image bitstream");
            }

            var (imageWidth, imageHeight) = BitstreamSize(data, image, context);
            if (imageWidth != frameWidth || imageHeight != frameHeight)
            {
                throw context.Inconsistent($"animation frame {number} is {frameWidth}×{frameHeight} but its image is {imageWidth}×{imageHeight}");
            }

            if (first is null)
            {
                var alpha = parts.FirstOrDefault(c => c.Type == "ALPH");
                var still = WebpStill.Build(data, image, alpha.Type is null ? null : alpha, frameWidth, frameHeight);
                var whole = x == 0 && y == 0 && frameWidth == width && frameHeight == height;
                first = new CheckedImage(ImageFormatKind.Webp, width, height, still, exif)
                {
                    Placement = whole ? null : new FramePlacement(x, y, frameWidth, frameHeight),
                };
            }
        }

        return first ?? throw context.Inconsistent("it is marked animated but has no frames");
    }

    /// <summary>The chunks between <paramref name="pos"/> and <paramref name="end"/>; a missing pad byte after the last is tolerated.</summary>
    private static List<WebpChunk> Chunks(byte[] data, int pos, int end, CheckContext context)
    {
        var chunks = new List<WebpChunk>();
        while (pos < end)
        {
            var size = pos + 8 <= end ? BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + 4)) : uint.MaxValue;
            if (pos + 8L + size > end)
            {
                throw context.Inconsistent($"a chunk at byte {pos} runs past the end its container gives");
            }

            chunks.Add(new WebpChunk(Encoding.ASCII.GetString(data, pos, 4), pos + 8, (int)size));
            pos += 8 + (int)size + (int)(size & 1);
        }

        return chunks;
    }

    /// <summary>Width and height from a VP8 (lossy key frame) or VP8L (lossless) bitstream header.</summary>
    private static (int Width, int Height) BitstreamSize(byte[] data, WebpChunk chunk, CheckContext context)
    {
        var p = chunk.Payload(data);
        if (chunk.Type == "VP8L")
        {
            if (p.Length < 5 || p[0] != 0x2F || BinaryPrimitives.ReadUInt32LittleEndian(p[1..]) >> 29 != 0)
            {
                throw context.Inconsistent("its lossless (VP8L) header is invalid");
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(p[1..]);
            return ((int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        if (p.Length < 10 || (p[0] & 1) != 0 || ((p[0] >> 1) & 7) > 3 || !p[3..6].SequenceEqual((ReadOnlySpan<byte>)[0x9D, 0x01, 0x2A]))
        {
            throw context.Inconsistent("its lossy (VP8) header is invalid or not a key frame");
        }

        int width = BinaryPrimitives.ReadUInt16LittleEndian(p[6..]) & 0x3FFF, height = BinaryPrimitives.ReadUInt16LittleEndian(p[8..]) & 0x3FFF;
        var partition = Uint24(p) >> 5;
        if (width == 0 || height == 0)
        {
            throw context.Inconsistent($"its lossy (VP8) image is {width}×{height}");
        }

        if (10 + partition > p.Length)
        {
            throw context.Truncated($"its first VP8 partition needs {partition} bytes but only {p.Length - 10} are there");
        }

        return (width, height);
    }

    private static int Uint24(ReadOnlySpan<byte> b) => b[0] | (b[1] << 8) | (b[2] << 16);
}
