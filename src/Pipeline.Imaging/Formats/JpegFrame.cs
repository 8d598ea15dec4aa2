using System.Buffers.Binary;

namespace Pipeline.Imaging.Formats;

/// <summary>A JPEG frame header (SOF0 baseline, SOF1 extended, SOF2 progressive; Huffman-coded).</summary>
internal sealed class JpegFrame
{
    private JpegFrame(bool progressive, int width, int height, JpegComponent[] components)
    {
        Progressive = progressive;
        Width = width;
        Height = height;
        Components = components;
        MaxH = components.Max(c => c.H);
        MaxV = components.Max(c => c.V);
        foreach (var c in components)
        {
            c.BlocksWide = Ceiling(Ceiling((long)width * c.H, MaxH), 8);
            c.BlocksHigh = Ceiling(Ceiling((long)height * c.V, MaxV), 8);
        }
    }

    public bool Progressive { get; }

    public int Width { get; }

    public int Height { get; }

    public JpegComponent[] Components { get; }

    public int MaxH { get; }

    public int MaxV { get; }

    /// <summary>MCUs across an interleaved scan.</summary>
    public int McusX => Ceiling(Width, 8 * MaxH);

    /// <summary>MCUs down an interleaved scan.</summary>
    public int McusY => Ceiling(Height, 8 * MaxV);

    public static JpegFrame Parse(ReadOnlySpan<byte> body, bool progressive, CheckContext context)
    {
        if (body.Length < 6 || body.Length != 6 + (3 * body[5]))
        {
            throw context.Inconsistent("its frame header (SOF) has a bad length");
        }

        var height = BinaryPrimitives.ReadUInt16BigEndian(body[1..]);
        var width = BinaryPrimitives.ReadUInt16BigEndian(body[3..]);
        int count = body[5];
        if (height == 0)
        {
            throw context.Unsupported("its height is only given after the image data (a DNL marker)");
        }

        if (width == 0 || count is 0 or > 4)
        {
            throw context.Inconsistent($"its frame header says {width}×{height} with {count} components");
        }

        var components = new JpegComponent[count];
        for (var i = 0; i < count; i++)
        {
            int id = body[6 + (3 * i)], sampling = body[7 + (3 * i)], table = body[8 + (3 * i)];
            int h = sampling >> 4, v = sampling & 15;
            if (h is 0 or > 4 || v is 0 or > 4 || table > 3 || components.Take(i).Any(o => o.Id == id))
            {
                throw context.Inconsistent($"component {i + 1} of its frame header is invalid");
            }

            components[i] = new JpegComponent(id, h, v, table);
        }

        return new JpegFrame(progressive, width, height, components);
    }

    private static int Ceiling(long value, long divisor) => (int)((value + divisor - 1) / divisor);
}
