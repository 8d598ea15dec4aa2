using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// Rebuilds one animation frame as a still WebP the decoder accepts: the bitstream alone (simple format), or with
/// its alpha plane behind a VP8X header of the frame's size.
/// </summary>
internal static class WebpStill
{
    public static byte[] Build(byte[] data, WebpChunk image, WebpChunk? alpha, int width, int height)
    {
        using var stream = new MemoryStream();
        stream.Write("RIFF\0\0\0\0WEBP"u8);
        if (alpha is { } a)
        {
            Span<byte> header = stackalloc byte[10];
            header[0] = 0x10; // alpha
            WriteUint24(header[4..], width - 1);
            WriteUint24(header[7..], height - 1);
            Write(stream, "VP8X", header);
            Write(stream, "ALPH", a.Payload(data));
        }

        Write(stream, image.Type, image.Payload(data));
        var still = stream.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(still.AsSpan(4), (uint)(still.Length - 8));
        return still;
    }

    private static void Write(MemoryStream stream, string type, ReadOnlySpan<byte> payload)
    {
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)payload.Length);
        stream.Write(Encoding.ASCII.GetBytes(type));
        stream.Write(size);
        stream.Write(payload);
        if ((payload.Length & 1) != 0)
        {
            stream.WriteByte(0);
        }
    }

    private static void WriteUint24(Span<byte> target, int value)
    {
        target[0] = (byte)value;
        target[1] = (byte)(value >> 8);
        target[2] = (byte)(value >> 16);
    }
}
