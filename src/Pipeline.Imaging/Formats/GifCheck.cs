using System.Buffers.Binary;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// Walks a GIF's blocks before it is decoded: logical screen and every frame descriptor (each frame inside the
/// canvas), colour tables and sub-block chains whole, the first frame's LZW data well-formed and long enough for
/// its pixels (<see cref="GifLzwCheck"/>; only the first frame is decoded), and the trailer present. Bytes after
/// the trailer are ignored: the decoder gets the file up to it.
/// </summary>
internal static class GifCheck
{
    public static CheckedImage Check(byte[] data, CheckContext context)
    {
        if (data.Length < 13)
        {
            throw context.Truncated("it ends inside its logical screen descriptor");
        }

        int width = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(6));
        int height = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(8));
        if (width == 0 || height == 0)
        {
            throw context.Inconsistent($"its canvas is {width}×{height}");
        }

        context.CheckSize(width, height);
        var pos = 13 + ColorTableBytes(data[10]);
        var frames = 0;
        while (true)
        {
            Need(data, pos, 1, context);
            switch (data[pos++])
            {
                case 0x3B:
                    return frames > 0
                        ? new CheckedImage(ImageFormatKind.Gif, width, height, data.AsMemory(0, pos), null)
                        : throw context.Inconsistent("it has no image, only a trailer");
                case 0x21:
                    Need(data, pos, 1, context);
                    pos = SkipSubBlocks(data, pos + 1, context);
                    break;
                case 0x2C:
                    pos = Frame(data, pos, ++frames, width, height, context);
                    break;
                default:
                    throw context.Inconsistent($"byte {pos - 1} (0x{data[pos - 1]:X2}) is neither an image, an extension nor the trailer");
            }
        }
    }

    private static int Frame(byte[] data, int pos, int number, int width, int height, CheckContext context)
    {
        Need(data, pos, 9, context);
        var d = data.AsSpan(pos);
        int left = BinaryPrimitives.ReadUInt16LittleEndian(d), top = BinaryPrimitives.ReadUInt16LittleEndian(d[2..]);
        int frameWidth = BinaryPrimitives.ReadUInt16LittleEndian(d[4..]), frameHeight = BinaryPrimitives.ReadUInt16LittleEndian(d[6..]);
        if (frameWidth == 0 || frameHeight == 0 || left + frameWidth > width || top + frameHeight > height)
        {
            throw context.Inconsistent(
                $"frame {number} is {frameWidth}×{frameHeight} at ({left}, {top}), which does not fit its {width}×{height} canvas");
        }

        pos += 9 + ColorTableBytes(d[8]);
        Need(data, pos, 1, context);
        int minCodeSize = data[pos++];
        if (minCodeSize is < 2 or > 11)
        {
            throw context.Inconsistent($"frame {number} has the invalid LZW code size {minCodeSize}");
        }

        return number == 1
            ? GifLzwCheck.Check(data, pos, minCodeSize, (long)frameWidth * frameHeight, context)
            : SkipSubBlocks(data, pos, context);
    }

    /// <summary>Bytes of the colour table a packed-fields byte announces (its top bit set: 3 × 2^(n+1)).</summary>
    private static int ColorTableBytes(byte packed) => (packed & 0x80) != 0 ? 3 << ((packed & 7) + 1) : 0;

    /// <summary>Position after a chain of sub-blocks (length byte, data; a zero length ends it).</summary>
    public static int SkipSubBlocks(byte[] data, int pos, CheckContext context)
    {
        while (true)
        {
            Need(data, pos, 1, context);
            int length = data[pos++];
            if (length == 0)
            {
                return pos;
            }

            Need(data, pos, length, context);
            pos += length;
        }
    }

    public static void Need(byte[] data, int pos, int count, CheckContext context)
    {
        if (pos + (long)count > data.Length)
        {
            throw context.Truncated("it ends before its trailer, inside a block");
        }
    }
}
