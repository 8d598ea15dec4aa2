using System.Buffers.Binary;
using System.Text;

namespace Pipeline.TestSupport;

/// <summary>
/// Hand-made hostile PNGs for the image-input tests: a signature and a valid IHDR (8-bit RGB) claiming any size, with
/// correct chunk CRCs, so only a reader's own size check can stop them.
/// </summary>
public static class CraftedPng
{
    /// <summary>An empty zlib stream: image data that inflates to nothing.</summary>
    private static readonly byte[] EmptyZlibStream = [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01];

    /// <summary>Signature, IHDR claiming <paramref name="width"/> × <paramref name="height"/>, IEND: no pixel data at all.</summary>
    public static byte[] HeaderOnly(int width, int height) => Build(width, height, withImageData: false);

    /// <summary>Signature, IHDR claiming <paramref name="width"/> × <paramref name="height"/>, one IDAT holding an empty zlib stream, IEND.</summary>
    public static byte[] HeaderWithEmptyImageData(int width, int height) => Build(width, height, withImageData: true);

    private static byte[] Build(int width, int height, bool withImageData)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type: RGB
        using var stream = new MemoryStream();
        stream.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(stream, "IHDR", ihdr);
        if (withImageData)
        {
            WriteChunk(stream, "IDAT", EmptyZlibStream);
        }

        WriteChunk(stream, "IEND", []);
        return stream.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        stream.Write(number);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(number, Corpus.PngCrc.Compute(typeAndData));
        stream.Write(number);
    }
}
