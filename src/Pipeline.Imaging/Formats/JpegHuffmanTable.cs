using System.Runtime.CompilerServices;

namespace Pipeline.Imaging.Formats;

/// <summary>A JPEG Huffman table (DHT), decoding symbols only: enough to walk a scan's length, not its pixels.</summary>
internal sealed class JpegHuffmanTable
{
    private const int FastBits = 9;

    // Codes of up to FastBits bits, looked up by the next FastBits bits: (length << 8) | symbol, 0 when longer.
    private readonly ushort[] _fast = new ushort[1 << FastBits];

    // Per code length: the largest code of that length (-1: none), and symbol index minus first code.
    private readonly int[] _maxCode = new int[17];
    private readonly int[] _offset = new int[17];
    private readonly byte[] _symbols;

    private JpegHuffmanTable(byte[] symbols) => _symbols = symbols;

    /// <summary>The canonical code of <paramref name="counts"/> (codes per length 1..16) and <paramref name="symbols"/>, or null when over-full.</summary>
    public static JpegHuffmanTable? Create(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols)
    {
        var table = new JpegHuffmanTable(symbols.ToArray());
        int code = 0, k = 0;
        for (var length = 1; length <= 16; length++)
        {
            int n = counts[length - 1];

            // As libjpeg: the codes may not reach the all-ones pattern of their length (reserved for padding).
            if (n > 0 && code + n >= 1 << length)
            {
                return null;
            }

            table._offset[length] = k - code;
            table._maxCode[length] = n == 0 ? -1 : code + n - 1;
            for (var i = 0; i < n; i++, code++, k++)
            {
                if (length <= FastBits)
                {
                    var shift = FastBits - length;
                    table._fast.AsSpan(code << shift, 1 << shift).Fill((ushort)((length << 8) | symbols[k]));
                }
            }

            code <<= 1;
        }

        return table;
    }

    /// <summary>The next symbol, or -1 when the bits match no code (corrupt data, or data that ended).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(JpegBitReader reader)
    {
        var peek = reader.Peek16();
        var fast = _fast[peek >> (16 - FastBits)];
        if (fast != 0)
        {
            reader.Skip(fast >> 8);
            return fast & 0xFF;
        }

        return DecodeLong(reader, peek);
    }

    private int DecodeLong(JpegBitReader reader, int peek)
    {
        for (var length = FastBits + 1; length <= 16; length++)
        {
            var code = peek >> (16 - length);
            if (code <= _maxCode[length])
            {
                reader.Skip(length);
                return _symbols[code + _offset[length]];
            }
        }

        return -1;
    }
}
