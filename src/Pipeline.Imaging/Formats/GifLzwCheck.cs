namespace Pipeline.Imaging.Formats;

/// <summary>
/// Runs a GIF frame's LZW codes without producing pixels, only counting them: a code beyond the next free table
/// entry is corrupt data (decoders then fill the frame with garbage or leave it blank), and running out of data
/// before width × height pixels is a frame cut short. Codes past the last pixel and a missing end code are
/// tolerated, as decoders do.
/// </summary>
internal static class GifLzwCheck
{
    private const int MaxCodes = 4096;

    /// <summary>Checks the sub-blocks at <paramref name="pos"/> and returns the position after them.</summary>
    public static int Check(byte[] data, int pos, int minCodeSize, long pixels, CheckContext context)
    {
        var lengths = new int[MaxCodes];
        int clear = 1 << minCodeSize, end = clear + 1;
        int next = clear + 2, codeSize = minCodeSize + 1, previous = -1;
        int bits = 0, bitCount = 0, blockLeft = 0;
        long produced = 0;
        for (var i = 0; i < clear; i++)
        {
            lengths[i] = 1;
        }

        while (produced < pixels)
        {
            while (bitCount < codeSize)
            {
                if (blockLeft == 0)
                {
                    GifCheck.Need(data, pos, 1, context);
                    blockLeft = data[pos++];
                    if (blockLeft == 0)
                    {
                        throw context.Truncated($"the first frame's data ends after {produced} of its {pixels} pixels");
                    }

                    GifCheck.Need(data, pos, blockLeft, context);
                }

                bits |= data[pos++] << bitCount;
                bitCount += 8;
                blockLeft--;
            }

            var code = bits & ((1 << codeSize) - 1);
            bits >>= codeSize;
            bitCount -= codeSize;
            if (code == clear)
            {
                next = clear + 2;
                codeSize = minCodeSize + 1;
                previous = -1;
                continue;
            }

            if (code == end)
            {
                throw context.Truncated($"the first frame's data ends after {produced} of its {pixels} pixels");
            }

            if (previous < 0)
            {
                produced += code < clear
                    ? 1
                    : throw context.Inconsistent("the first frame's compressed data is corrupt (a table code before any literal)");
                previous = code;
                continue;
            }

            int length;
            if (code < next)
            {
                length = lengths[code];
            }
            else if (code == next && next < MaxCodes)
            {
                length = lengths[previous] + 1;
            }
            else
            {
                throw context.Inconsistent("the first frame's compressed data is corrupt (a code beyond the table)");
            }

            if (next < MaxCodes)
            {
                lengths[next] = lengths[previous] + 1;
                next++;
                if (next == 1 << codeSize && codeSize < 12)
                {
                    codeSize++;
                }
            }

            produced += length;
            previous = code;
        }

        // Enough pixels: skip the rest of this block and the blocks after it.
        return GifCheck.SkipSubBlocks(data, pos + blockLeft, context);
    }
}
