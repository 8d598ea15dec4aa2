using Pipeline.Contracts;
using System.Buffers.Binary;
using SixLabors.ImageSharp.Formats.Tga;

namespace Pipeline.TestSupport.Corpus;

/// <summary>TGA rows of the hostile corpus (TGA has no signature; see TgaCheck for how it is told apart).</summary>
public static class TgaCases
{
    public static IEnumerable<CorpusCase> All()
    {
        var tga = Encoded.With(new TgaEncoder { BitsPerPixel = TgaBitsPerPixel.Pixel24, Compression = TgaCompression.None });
        var rle = Encoded.With(new TgaEncoder { BitsPerPixel = TgaBitsPerPixel.Pixel32, Compression = TgaCompression.RunLength });

        yield return CorpusCase.Accepted("tga-24bit", tga, "uncompressed 24-bit true colour", tolerance: 0);
        yield return CorpusCase.Accepted("tga-32bit-rle", rle, "run-length encoded 32-bit", tolerance: 0);
        yield return CorpusCase.Accepted("tga-16bit", Encoded.With(new TgaEncoder { BitsPerPixel = TgaBitsPerPixel.Pixel16, Compression = TgaCompression.None }),
            "uncompressed 16-bit (5 bits a channel)", tolerance: 8);
        yield return CorpusCase.Accepted("tga-8bit-grey", Encoded.With(new TgaEncoder { BitsPerPixel = TgaBitsPerPixel.Pixel8, Compression = TgaCompression.RunLength }),
            "run-length encoded greyscale");
        yield return CorpusCase.Accepted("tga-colour-mapped", ColorMapped(), "colour-mapped with a 24-bit map (written by hand: the encoder has none)") with
        {
            Size = (4, 2),
        };
        yield return CorpusCase.Accepted("tga-with-footer", [.. tga, .. new byte[8], .. "TRUEVISION-XFILE.\0"u8],
            "a TGA 2.0 footer after the pixels, ignored", tolerance: 0);

        yield return CorpusCase.Rejected("tga-cut", Bytes.Cut(tga, tga.Length - 300), ContractErrorCodes.ImageTruncated, "the last rows of pixels missing");
        yield return CorpusCase.Rejected("tga-rle-cut", Bytes.Cut(rle, rle.Length * 3 / 4), ContractErrorCodes.ImageTruncated,
            "run-length packets ending before width × height pixels");
        yield return CorpusCase.Rejected("tga-rle-overrun", RunPastTheEnd(), ContractErrorCodes.ImageInconsistent,
            "a 4×2 image whose one run-length packet repeats a pixel 10 times: it runs past the image");
        yield return CorpusCase.Rejected("tga-fields-disagree", Bytes.Patch(tga, 1, 1), ContractErrorCodes.ImageUndecodable,
            "true colour with a colour-map flag: not taken for a TGA at all (its header must be consistent to be identified)");
        yield return CorpusCase.Rejected("tga-interleaved", Bytes.Patch(tga, 17, (byte)(tga[17] | 0x40)), ContractErrorCodes.ImageUndecodable,
            "interleaved rows (descriptor bits 6–7), which the decoder does not read: not identified as TGA");
    }

    /// <summary>4×2, type 10 (RLE true colour), 24-bit: one packet of 10 pixels for 8.</summary>
    private static byte[] RunPastTheEnd()
    {
        var file = new byte[18 + 4];
        file[2] = 10;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(12), 4);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(14), 2);
        file[16] = 24;
        file[18] = 0x80 | 9;
        return file;
    }

    /// <summary>4×2, type 1, a two-entry 24-bit colour map (blue, red), top-left origin.</summary>
    private static byte[] ColorMapped()
    {
        var file = new byte[18 + 6 + 8];
        file[1] = 1;
        file[2] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(5), 2);
        file[7] = 24;
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(12), 4);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(14), 2);
        file[16] = 8;
        file[17] = 0x20;
        byte[] map = [255, 0, 0, 0, 0, 255];
        map.CopyTo(file, 18);
        byte[] indices = [0, 1, 0, 1, 1, 0, 1, 0];
        indices.CopyTo(file, 24);
        return file;
    }
}
