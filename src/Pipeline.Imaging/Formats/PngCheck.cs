using System.Buffers.Binary;
using System.Text;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// Walks a PNG's chunks before it is decoded: every chunk whole and its CRC right, IHDR first and valid, a palette
/// where the colour type needs one, IDAT chunks consecutive, IEND present, and the image data inflating to exactly
/// the bytes its rows need (<see cref="PngImageData"/>). Text, ICC and other ancillary chunks are walked but never
/// inflated (the decoder runs with metadata ignored); eXIf is kept for the orientation, within the metadata limit.
/// Bytes after IEND are ignored: the decoder gets the file up to IEND.
/// </summary>
internal static class PngCheck
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static CheckedImage Check(byte[] data, CheckContext context)
    {
        PngHeader? header = null;
        var image = new List<(int Offset, int Length)>();
        var imageDataEnded = false;
        var hasPalette = false;
        byte[]? exif = null;
        var pos = Signature.Length;
        while (true)
        {
            if (pos + 8 > data.Length)
            {
                throw context.Truncated(header is null
                    ? "it ends inside its header"
                    : "it ends before its IEND chunk, so part of the image data is missing");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos));
            var type = data.AsSpan(pos + 4, 4);
            var name = Encoding.ASCII.GetString(type);
            if (!IsChunkType(type) || length > int.MaxValue)
            {
                throw context.Inconsistent($"a chunk at byte {pos} has an invalid type or length");
            }

            var end = pos + 12L + length;
            if (end > data.Length)
            {
                throw context.Truncated($"its {name} chunk needs {length} bytes but the file ends first");
            }

            var body = data.AsSpan(pos + 8, (int)length);
            if (System.IO.Hashing.Crc32.HashToUInt32(data.AsSpan(pos + 4, 4 + (int)length)) != BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos + 8 + (int)length)))
            {
                throw context.Inconsistent($"the checksum of its {name} chunk does not match the chunk's data");
            }

            if (header is null && name != "IHDR")
            {
                throw context.Inconsistent("its first chunk is not the IHDR header");
            }

            if (image.Count > 0 && name != "IDAT")
            {
                imageDataEnded = true;
            }

            switch (name)
            {
                case "IHDR":
                    if (header is not null)
                    {
                        throw context.Inconsistent("it has two IHDR headers");
                    }

                    header = PngHeader.Parse(body, context);
                    context.CheckSize(header.Width, header.Height);
                    break;
                case "PLTE":
                    if (hasPalette || image.Count > 0 || length % 3 != 0 || length is 0 or > 768 || header!.ColorType is 0 or 4)
                    {
                        throw context.Inconsistent("its palette (PLTE) is repeated, misplaced, of a bad length or not allowed for its colour type");
                    }

                    hasPalette = true;
                    break;
                case "IDAT":
                    if (imageDataEnded)
                    {
                        throw context.Inconsistent("its image data (IDAT) chunks are not consecutive");
                    }

                    image.Add((pos + 8, (int)length));
                    break;
                case "IEND":
                    return Finish(data, context, header!, image, hasPalette, exif, (int)end);
                case "eXIf":
                    exif = context.Exif(body);
                    break;
                default:
                    // Upper-case first letter: critical, and a decoder that does not know it must not guess (PNG spec 5.4).
                    if (char.IsAsciiLetterUpper(name[0]))
                    {
                        throw context.Unsupported($"it needs the unknown critical chunk {name}");
                    }

                    break;
            }

            pos = (int)end;
        }
    }

    private static CheckedImage Finish(byte[] data, CheckContext context, PngHeader header, List<(int Offset, int Length)> image,
        bool hasPalette, byte[]? exif, int end)
    {
        if (image.Count == 0)
        {
            throw context.Truncated("it has no image data (IDAT) before IEND");
        }

        if (header.ColorType == 3 && !hasPalette)
        {
            throw context.Inconsistent("it is a palette image without a palette (PLTE)");
        }

        PngImageData.CheckLength(data, image, header, context);
        return new CheckedImage(ImageFormatKind.Png, header.Width, header.Height, data.AsMemory(0, end), exif);
    }

    private static bool IsChunkType(ReadOnlySpan<byte> type)
    {
        foreach (var b in type)
        {
            if (!char.IsAsciiLetter((char)b))
            {
                return false;
            }
        }

        return true;
    }
}
