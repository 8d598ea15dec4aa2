namespace Pipeline.Imaging.Formats;

/// <summary>
/// Walks a BMP's run-length encoded pixels (RLE4, RLE8, OS/2 RLE24) to the end-of-bitmap code or the last row,
/// without producing pixels: a stream that runs out first is a file cut short.
/// </summary>
internal static class BmpRleCheck
{
    public static void Check(byte[] data, int pos, long height, int bitsPerPixel, CheckContext context)
    {
        long row = 0;
        while (row < height)
        {
            Need(data, pos, 2, row, height, context);
            int count = data[pos], value = data[pos + 1];
            pos += 2;
            if (count > 0)
            {
                // Encoded run: one colour (three bytes for RLE24, of which the second byte was one).
                pos += bitsPerPixel == 24 ? 2 : 0;
                continue;
            }

            switch (value)
            {
                case 0:
                    row++;
                    break;
                case 1:
                    return;
                case 2:
                    Need(data, pos, 2, row, height, context);
                    row += data[pos + 1];
                    pos += 2;
                    break;
                default:
                    // Absolute run of `value` pixels, padded to a 16-bit boundary.
                    var bytes = ((value * bitsPerPixel) + 7) / 8;
                    pos += bytes + (bytes & 1);
                    break;
            }
        }
    }

    private static void Need(byte[] data, int pos, int count, long row, long height, CheckContext context)
    {
        if (pos + count > data.Length)
        {
            throw context.Truncated($"its compressed pixels end in row {row} of {height}, before the end-of-bitmap code");
        }
    }
}
