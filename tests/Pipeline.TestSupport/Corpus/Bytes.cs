using System.Buffers.Binary;

namespace Pipeline.TestSupport.Corpus;

/// <summary>Byte-level mutations of encoded files.</summary>
public static class Bytes
{
    public static byte[] Cut(byte[] data, int length) => data[..length];

    public static byte[] Append(byte[] data, params byte[] tail) => [.. data, .. tail];

    /// <summary>A copy with <paramref name="patch"/> written at <paramref name="offset"/>.</summary>
    public static byte[] Patch(byte[] data, int offset, params byte[] patch)
    {
        var copy = (byte[])data.Clone();
        patch.CopyTo(copy, offset);
        return copy;
    }

    public static byte[] PatchUInt16LittleEndian(byte[] data, int offset, int value)
    {
        var copy = (byte[])data.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(offset), (ushort)value);
        return copy;
    }

    public static byte[] PatchUInt32LittleEndian(byte[] data, int offset, uint value)
    {
        var copy = (byte[])data.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(offset), value);
        return copy;
    }

    /// <summary>Offset of the <paramref name="occurrence"/>-th (0-based) <paramref name="pattern"/>, or -1.</summary>
    public static int Find(byte[] data, ReadOnlySpan<byte> pattern, int occurrence = 0)
    {
        var from = 0;
        while (true)
        {
            var at = data.AsSpan(from).IndexOf(pattern);
            if (at < 0)
            {
                return -1;
            }

            if (occurrence-- == 0)
            {
                return from + at;
            }

            from += at + 1;
        }
    }
}
