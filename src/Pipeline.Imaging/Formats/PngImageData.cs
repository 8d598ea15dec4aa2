using System.Buffers;
using System.IO.Compression;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// Inflates a PNG's IDAT stream, without keeping it, to count its bytes against what the header's rows need: too
/// few is a file whose image data ends early (the decoder would leave the missing rows blank); more is ignored, as
/// libpng does. Inflation stops one byte past what is needed, so a zlib bomb costs no more than a real image.
/// </summary>
internal static class PngImageData
{
    // Adam7 passes: x start, y start, x step, y step.
    private static readonly (int X, int Y, int Dx, int Dy)[] Passes =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    public static void CheckLength(byte[] data, IReadOnlyList<(int Offset, int Length)> chunks, PngHeader header, CheckContext context)
    {
        var expected = ExpectedBytes(header);
        long inflated = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var zlib = new ZLibStream(new SegmentedReadStream(data, chunks), CompressionMode.Decompress);
            while (inflated <= expected)
            {
                var read = zlib.Read(buffer, 0, (int)Math.Min(buffer.Length, expected + 1 - inflated));
                if (read == 0)
                {
                    break;
                }

                inflated += read;
            }
        }
        catch (InvalidDataException)
        {
            // A stream that is corrupt (or cut) only after all rows were read is what the decoder sees too: fine.
            if (inflated < expected)
            {
                throw context.Inconsistent($"its compressed image data is corrupt after {inflated} of {expected} bytes");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (inflated < expected)
        {
            throw context.Truncated($"its image data holds {inflated} of the {expected} bytes its {header.Width}×{header.Height} rows need");
        }
    }

    /// <summary>Filter byte plus packed pixels, for every row of every pass.</summary>
    public static long ExpectedBytes(PngHeader header)
    {
        if (!header.Interlaced)
        {
            return RowsBytes(header.Width, header.Height, header.BitsPerPixel);
        }

        long total = 0;
        foreach (var (x, y, dx, dy) in Passes)
        {
            var columns = header.Width > x ? ((long)header.Width - x + dx - 1) / dx : 0;
            var rows = header.Height > y ? ((long)header.Height - y + dy - 1) / dy : 0;
            total += RowsBytes(columns, rows, header.BitsPerPixel);
        }

        return total;
    }

    private static long RowsBytes(long columns, long rows, int bitsPerPixel) =>
        columns == 0 || rows == 0 ? 0 : rows * (1 + ((columns * bitsPerPixel) + 7) / 8);
}
