using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Pipeline.TestSupport.Corpus;

/// <summary>A PNG as its list of chunks, to edit and write back with correct CRCs.</summary>
public sealed class PngChunks
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private PngChunks(List<(string Type, byte[] Data)> chunks) => Chunks = chunks;

    public List<(string Type, byte[] Data)> Chunks { get; }

    public static PngChunks Parse(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        for (var pos = 8; pos < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            chunks.Add((Encoding.ASCII.GetString(png, pos + 4, 4), png[(pos + 8)..(pos + 8 + length)]));
            pos += 12 + length;
        }

        return new PngChunks(chunks);
    }

    /// <summary>The IDAT payloads joined and inflated: the filtered scanlines.</summary>
    public byte[] InflatedImageData()
    {
        using var compressed = new MemoryStream([.. Chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data)]);
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        return raw.ToArray();
    }

    /// <summary>Replaces every IDAT with one holding <paramref name="scanlines"/>, compressed as a complete zlib stream.</summary>
    public PngChunks WithImageData(byte[] scanlines)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(scanlines);
        }

        var first = Chunks.FindIndex(c => c.Type == "IDAT");
        var rest = Chunks.Where(c => c.Type != "IDAT").ToList();
        rest.Insert(first, ("IDAT", compressed.ToArray()));
        return new PngChunks(rest);
    }

    /// <summary>A copy with a chunk inserted before the one at <paramref name="index"/> (negative: from the end).</summary>
    public PngChunks Insert(int index, string type, byte[] data)
    {
        var copy = Chunks.ToList();
        copy.Insert(index < 0 ? copy.Count + index : index, (type, data));
        return new PngChunks(copy);
    }

    public PngChunks Without(string type) => new([.. Chunks.Where(c => c.Type != type)]);

    /// <summary>A copy with the chunk of <paramref name="type"/> given new data (CRC recomputed on writing).</summary>
    public PngChunks Replace(string type, byte[] data) => new([.. Chunks.Select(c => c.Type == type ? (type, data) : c)]);

    public byte[] ToArray()
    {
        using var stream = new MemoryStream();
        stream.Write(Signature);
        Span<byte> number = stackalloc byte[4];
        foreach (var (type, data) in Chunks)
        {
            BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
            stream.Write(number);
            var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            stream.Write(typeAndData);
            BinaryPrimitives.WriteUInt32BigEndian(number, PngCrc.Compute(typeAndData));
            stream.Write(number);
        }

        return stream.ToArray();
    }

    /// <summary>A zTXt (or iTXt when <paramref name="international"/>) chunk whose text inflates to <paramref name="inflatedBytes"/> spaces.</summary>
    public static byte[] CompressedText(long inflatedBytes, bool international)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var block = new byte[1 << 20];
            Array.Fill(block, (byte)' ');
            for (long left = inflatedBytes; left > 0; left -= block.Length)
            {
                zlib.Write(block, 0, (int)Math.Min(block.Length, left));
            }
        }

        // zTXt: keyword, 0, method 0, data. iTXt: keyword, 0, compressed 1, method 0, language, 0, translated, 0, data.
        byte[] prefix = international ? [.. "Comment"u8, 0, 1, 0, 0, 0] : [.. "Comment"u8, 0, 0];
        return [.. prefix, .. compressed.ToArray()];
    }
}
