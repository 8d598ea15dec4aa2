using System.Buffers.Binary;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// TGA has no signature, so a file is taken for one only when nothing else matched and every header field is one
/// the decoder handles and agrees with the others: image type and colour-map type, pixel depth for that type,
/// colour-map entries the decoder reads right (16, 24 or 32 bits, starting at index 0), alpha bits 0, 1 or 8, no
/// interleaving. Random bytes almost never pass; then the data must hold every pixel (uncompressed) or every RLE
/// packet up to width × height, packets not overrunning the image. Bytes after the pixels (the TGA 2.0 extension
/// area and footer, or anything else) are ignored.
/// </summary>
internal static class TgaCheck
{
    private const int HeaderSize = 18;

    /// <summary>The checked image, or null when the bytes do not read as a TGA header at all.</summary>
    public static CheckedImage? TryCheck(byte[] data, CheckContext context)
    {
        if (data.Length < HeaderSize)
        {
            return null;
        }

        var h = data.AsSpan(0, HeaderSize);
        int idLength = h[0], mapType = h[1], type = h[2], mapDepth = h[7], depth = h[16], descriptor = h[17];
        int mapStart = BinaryPrimitives.ReadUInt16LittleEndian(h[3..]), mapLength = BinaryPrimitives.ReadUInt16LittleEndian(h[5..]);
        int width = BinaryPrimitives.ReadUInt16LittleEndian(h[12..]), height = BinaryPrimitives.ReadUInt16LittleEndian(h[14..]);
        var mapped = type is 1 or 9;
        var fieldsAgree = type switch
        {
            1 or 9 => mapType == 1 && depth == 8 && mapStart == 0 && mapLength > 0 && mapDepth is 16 or 24 or 32,
            2 or 10 => mapType == 0 && mapStart == 0 && mapLength == 0 && mapDepth == 0 && depth is 15 or 16 or 24 or 32,
            3 or 11 => mapType == 0 && mapStart == 0 && mapLength == 0 && mapDepth == 0 && depth == 8,
            _ => false,
        };
        if (!fieldsAgree || width == 0 || height == 0 || (descriptor & 0xC0) != 0 || (descriptor & 15) is not (0 or 1 or 8))
        {
            return null;
        }

        context.CheckSize(width, height);
        var pos = HeaderSize + idLength + (mapped ? mapLength * (mapDepth / 8) : 0);
        var bytesPerPixel = (depth + 7) / 8;
        var pixels = (long)width * height;
        if (type < 9)
        {
            if (pos + (pixels * bytesPerPixel) > data.Length)
            {
                throw context.Truncated($"it holds {Math.Max(0, data.Length - pos) / bytesPerPixel} of its {pixels} pixels");
            }
        }
        else
        {
            CheckRle(data, pos, pixels, bytesPerPixel, context);
        }

        return new CheckedImage(ImageFormatKind.Tga, width, height, data, null);
    }

    private static void CheckRle(byte[] data, long pos, long pixels, int bytesPerPixel, CheckContext context)
    {
        long done = 0;
        while (done < pixels)
        {
            if (pos >= data.Length)
            {
                throw context.Truncated($"its compressed pixels end after {done} of {pixels}");
            }

            var packet = data[pos++];
            var count = (packet & 0x7F) + 1;
            pos += (packet & 0x80) != 0 ? bytesPerPixel : count * bytesPerPixel;
            done += count;
            if (pos > data.Length)
            {
                throw context.Truncated($"its compressed pixels end after {done - count} of {pixels}");
            }
        }

        if (done > pixels)
        {
            throw context.Inconsistent($"its last run-length packet runs {done - pixels} pixels past the end of the image");
        }
    }
}
