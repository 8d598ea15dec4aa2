using System.Buffers.Binary;

namespace Pipeline.Imaging.Formats;

/// <summary>A PNG IHDR, checked against the combinations the PNG specification allows (table 11.1).</summary>
internal sealed record PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced)
{
    /// <summary>Bits one pixel takes in a scanline.</summary>
    public int BitsPerPixel => BitDepth * ColorType switch
    {
        2 => 3,
        4 => 2,
        6 => 4,
        _ => 1,
    };

    public static PngHeader Parse(ReadOnlySpan<byte> body, CheckContext context)
    {
        if (body.Length != 13)
        {
            throw context.Inconsistent($"its IHDR header is {body.Length} bytes instead of 13");
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(body);
        var height = BinaryPrimitives.ReadUInt32BigEndian(body[4..]);
        int depth = body[8], colorType = body[9];
        var depthAllowed = colorType switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue || !depthAllowed || body[10] != 0 || body[11] != 0 || body[12] > 1)
        {
            throw context.Inconsistent(
                $"its IHDR header is invalid ({width}×{height}, bit depth {depth}, colour type {colorType}, " +
                $"compression {body[10]}, filter {body[11]}, interlace {body[12]})");
        }

        return new PngHeader((int)width, (int)height, depth, colorType, body[12] == 1);
    }
}
