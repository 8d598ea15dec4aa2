using Pipeline.Contracts;
using System.Buffers.Binary;
using SixLabors.ImageSharp.Formats.Bmp;

namespace Pipeline.TestSupport.Corpus;

/// <summary>BMP rows of the hostile corpus.</summary>
public static class BmpCases
{
    public static IEnumerable<CorpusCase> All()
    {
        var bmp = Encoded.With(new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel24 });
        var rle = Rle8();

        yield return CorpusCase.Accepted("bmp-24bit", bmp, "uncompressed 24-bit", tolerance: 0);
        yield return CorpusCase.Accepted("bmp-32bit", Encoded.With(new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel32 }), "uncompressed 32-bit", tolerance: 0);
        yield return CorpusCase.Accepted("bmp-8bit-palette", Encoded.With(new BmpEncoder { BitsPerPixel = BmpBitsPerPixel.Pixel8 }), "8-bit palette", tolerance: 60);
        yield return CorpusCase.Accepted("bmp-top-down", Bytes.PatchUInt32LittleEndian(bmp, 22, unchecked((uint)-Encoded.Height)),
            "negative height: rows stored top-down");
        yield return CorpusCase.Accepted("bmp-rle8", rle, "8-bit run-length encoded, ending with the end-of-bitmap code");
        yield return CorpusCase.Accepted("bmp-trailing-bytes", Bytes.Append(bmp, new byte[100]), "bytes after the pixel rows are ignored", tolerance: 0);

        yield return CorpusCase.Rejected("bmp-cut", Bytes.Cut(bmp, bmp.Length - 500), ContractErrorCodes.ImageTruncated,
            "the last rows missing: the decoder would leave them black");
        yield return CorpusCase.Rejected("bmp-offset-past-end", Bytes.PatchUInt32LittleEndian(bmp, 10, (uint)bmp.Length + 10), ContractErrorCodes.ImageTruncated,
            "the pixel data offset points past the end of the file");
        yield return CorpusCase.Rejected("bmp-rle8-cut", Bytes.Cut(rle, rle.Length - 40), ContractErrorCodes.ImageTruncated,
            "run-length data ending before the last rows and the end-of-bitmap code");
        yield return CorpusCase.Rejected("bmp-depth-compression-mismatch", Bytes.PatchUInt32LittleEndian(bmp, 30, 1), ContractErrorCodes.ImageInconsistent,
            "a 24-bit bitmap claiming 8-bit run-length compression");
        yield return CorpusCase.Rejected("bmp-embedded-jpeg", Bytes.PatchUInt32LittleEndian(bmp, 30, 4), ContractErrorCodes.ImageUndecodable,
            "compression 4 (an embedded JPEG), which the decoder does not support");
        yield return CorpusCase.Rejected("bmp-unknown-header", Bytes.PatchUInt32LittleEndian(bmp, 14, 20), ContractErrorCodes.ImageUndecodable,
            "an info header of 20 bytes, a size no BMP version has");
    }

    /// <summary>A 48×40 RLE8 bitmap with a grey palette: per row three runs of 16, an end-of-line, then end-of-bitmap.</summary>
    private static byte[] Rle8()
    {
        var pixels = new List<byte>();
        for (var y = 0; y < Encoded.Height; y++)
        {
            pixels.AddRange([16, (byte)(y * 6), 16, 128, 16, (byte)(255 - (y * 6)), 0, 0]);
        }

        pixels.AddRange([0, 1]);
        const int Offset = 14 + 40 + 1024;
        var file = new byte[Offset + pixels.Count];
        "BM"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), Offset);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), Encoded.Width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), Encoded.Height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 8);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(30), 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), pixels.Count);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(46), 256);
        for (var i = 0; i < 256; i++)
        {
            file[54 + (4 * i)] = file[55 + (4 * i)] = file[56 + (4 * i)] = (byte)i;
        }

        pixels.CopyTo(file, Offset);
        return file;
    }
}
