using System.Buffers.Binary;
using System.Text;

namespace Pipeline.TestSupport.Corpus;

/// <summary>WebP RIFF chunks: read the ones ImageSharp writes, and assemble new files from them.</summary>
public static class Riff
{
    public static List<(string Type, byte[] Payload)> Chunks(byte[] webp)
    {
        var chunks = new List<(string, byte[])>();
        for (var pos = 12; pos + 8 <= webp.Length;)
        {
            var size = BinaryPrimitives.ReadInt32LittleEndian(webp.AsSpan(pos + 4));
            chunks.Add((Encoding.ASCII.GetString(webp, pos, 4), webp[(pos + 8)..(pos + 8 + size)]));
            pos += 8 + size + (size & 1);
        }

        return chunks;
    }

    public static byte[] Chunk(string type, byte[] payload)
    {
        var chunk = new byte[8 + payload.Length + (payload.Length & 1)];
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 0);
        BinaryPrimitives.WriteInt32LittleEndian(chunk.AsSpan(4), payload.Length);
        payload.CopyTo(chunk, 8);
        return chunk;
    }

    public static byte[] File(params byte[][] chunks)
    {
        byte[] body = [.. "WEBP"u8, .. chunks.SelectMany(c => c)];
        var file = new byte[8 + body.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), body.Length);
        body.CopyTo(file, 8);
        return file;
    }

    /// <summary>A VP8X header: flags (0x02 animation, 0x10 alpha, 0x08 EXIF) and canvas size.</summary>
    public static byte[] Vp8X(byte flags, int width, int height) =>
        Chunk("VP8X", [flags, 0, 0, 0, .. Uint24(width - 1), .. Uint24(height - 1)]);

    /// <summary>An animation frame of the given bitstream chunks at (x, y) (even), of the given size.</summary>
    public static byte[] Frame(int x, int y, int width, int height, params byte[][] chunks) =>
        Chunk("ANMF", [.. Uint24(x / 2), .. Uint24(y / 2), .. Uint24(width - 1), .. Uint24(height - 1), .. Uint24(100), 0, .. chunks.SelectMany(c => c)]);

    public static byte[] Animation() => Chunk("ANIM", [0, 0, 0, 0, 0, 0]);

    private static byte[] Uint24(int value) => [(byte)value, (byte)(value >> 8), (byte)(value >> 16)];
}
