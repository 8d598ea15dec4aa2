using System.Buffers.Binary;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// Checks a BMP's headers against its length before it is decoded: a header size the decoder knows, a bit depth
/// and compression that go together, the pixel data offset inside the file, and the file long enough for every row
/// (uncompressed) or for the RLE stream to reach its end (<see cref="BmpRleCheck"/>). The decoder would otherwise
/// leave the missing rows blank. An OS/2 bitmap array ("BA") is checked through its first bitmap, which is the one
/// decoded. The file-size field is ignored (writers often leave it wrong); bytes after the pixel data are ignored.
/// </summary>
internal static class BmpCheck
{
    private const int FileHeaderSize = 14;

    // Compression value the decoder uses for OS/2 RLE24.
    private const int Rle24 = 100;

    public static CheckedImage Check(byte[] data, CheckContext context)
    {
        var start = data[1] == (byte)'A' ? FileHeaderSize : 0;
        Need(data, start + FileHeaderSize + 4, context);
        if (start > 0 && (data[start] != (byte)'B' || data[start + 1] != (byte)'M'))
        {
            throw context.Unsupported("its bitmap array does not start with a plain bitmap");
        }

        var offset = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(start + 10));
        var info = start + FileHeaderSize;
        var headerSize = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(info));
        if (headerSize is not (12 or 16 or 40 or 52 or 56 or 64) and not (>= 108 and <= 124))
        {
            throw context.Unsupported($"its info header size {headerSize} is not one this reader knows");
        }

        Need(data, info + headerSize, context);
        var h = data.AsSpan(info, headerSize);
        var core = headerSize == 12;
        long width = core ? BinaryPrimitives.ReadUInt16LittleEndian(h[4..]) : BinaryPrimitives.ReadInt32LittleEndian(h[4..]);
        long height = core ? BinaryPrimitives.ReadUInt16LittleEndian(h[6..]) : BinaryPrimitives.ReadInt32LittleEndian(h[8..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(h[(core ? 10 : 14)..]);
        var compression = headerSize < 20 ? 0 : BinaryPrimitives.ReadInt32LittleEndian(h[16..]);
        if (headerSize is 16 or 64)
        {
            // OS/2 2.x numbers its compressions differently; 3 (Huffman 1D) is not supported by the decoder.
            compression = compression switch { 0 or 1 or 2 => compression, 4 => Rle24, _ => -1 };
        }

        height = Math.Abs(height);
        if (compression is not (0 or 1 or 2 or 3 or 6 or Rle24))
        {
            throw context.Unsupported($"it uses compression {compression} (embedded JPEG/PNG or OS/2 Huffman)");
        }

        if (width <= 0 || height == 0 || !DepthFits(bits, compression))
        {
            throw context.Inconsistent($"its header says {width}×{height} at bit depth {bits} with compression {compression}");
        }

        context.CheckSize(width, height);
        if (offset < info + headerSize || offset > data.Length)
        {
            throw offset > data.Length
                ? context.Truncated($"its pixel data should start at byte {offset} but the file has {data.Length} bytes")
                : context.Inconsistent($"its pixel data offset {offset} points into its headers");
        }

        if (compression is 1 or 2 or Rle24)
        {
            BmpRleCheck.Check(data, (int)offset, height, compression == 2 ? 4 : compression == 1 ? 8 : 24, context);
        }
        else
        {
            var stride = ((width * bits) + 31) / 32 * 4;
            var needed = offset + (stride * (height - 1)) + (((width * bits) + 7) / 8);
            if (needed > data.Length)
            {
                var rows = Math.Max(0, (data.Length - offset) / stride);
                throw context.Truncated($"it holds {rows} of its {height} rows of pixels");
            }
        }

        return new CheckedImage(ImageFormatKind.Bmp, (int)width, (int)height, data, null);
    }

    private static bool DepthFits(int bits, int compression) => compression switch
    {
        0 => bits is 1 or 2 or 4 or 8 or 16 or 24 or 32,
        1 => bits == 8,
        2 => bits == 4,
        3 or 6 => bits is 16 or 32,
        Rle24 => bits == 24,
        _ => false,
    };

    private static void Need(byte[] data, long end, CheckContext context)
    {
        if (end > data.Length)
        {
            throw context.Truncated("it ends inside its headers");
        }
    }
}
