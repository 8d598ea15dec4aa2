using Pipeline.Contracts;
using SixLabors.ImageSharp.Formats.Png;

namespace Pipeline.TestSupport.Corpus;

/// <summary>PNG rows of the hostile corpus.</summary>
public static class PngCases
{
    /// <summary>A zTXt payload that inflates to 100 MB (about 100 KB compressed): the reported bomb.</summary>
    public static Lazy<byte[]> TextBomb { get; } = new(() => PngChunks.CompressedText(100L * 1024 * 1024, international: false));

    public static IEnumerable<CorpusCase> All()
    {
        var png = Encoded.With(new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        var chunks = PngChunks.Parse(png);
        var scanlines = chunks.InflatedImageData();
        var palette = Encoded.With(new PngEncoder { ColorType = PngColorType.Palette });

        yield return CorpusCase.Accepted("png-rgba8", png, "baseline: 8-bit RGBA", tolerance: 0);
        yield return CorpusCase.Accepted("png-adam7",
            Encoded.With(new PngEncoder { ColorType = PngColorType.Rgb, InterlaceMethod = PngInterlaceMode.Adam7 }),
            "interlaced (Adam7): seven passes hold more bytes than height × (1 + stride)", tolerance: 0);
        yield return CorpusCase.Accepted("png-rgb16",
            Encoded.With(new PngEncoder { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit16 }),
            "16-bit samples", tolerance: 1);
        yield return CorpusCase.Accepted("png-adam7-rgba16",
            Encoded.With(new PngEncoder { ColorType = PngColorType.RgbWithAlpha, BitDepth = PngBitDepth.Bit16, InterlaceMethod = PngInterlaceMode.Adam7 }),
            "interlaced 16-bit RGBA: both at once", tolerance: 1);
        yield return CorpusCase.Accepted("png-palette", palette, "palette image (PLTE)", tolerance: 40);
        yield return CorpusCase.Accepted("png-gray-1bit",
            Encoded.With(new PngEncoder { ColorType = PngColorType.Grayscale, BitDepth = PngBitDepth.Bit1 }),
            "1-bit greyscale: rows of packed bits");
        yield return CorpusCase.Accepted("png-trailing-bytes", Bytes.Append(png, [.. Enumerable.Range(0, 512).Select(i => (byte)i)]),
            "bytes after IEND are ignored, as libpng and browsers do (appended data is common); the decoder never sees them", tolerance: 0);
        yield return CorpusCase.Accepted("png-ztxt-bomb", chunks.Insert(1, "zTXt", TextBomb.Value).ToArray(),
            "a 100 KB zTXt chunk that inflates to 100 MB: text is never inflated, so it costs nothing and the image is fine", tolerance: 0);
        yield return CorpusCase.Accepted("png-itxt-bomb", chunks.Insert(-1, "iTXt", PngChunks.CompressedText(20L * 1024 * 1024, international: true)).ToArray(),
            "a compressed iTXt chunk inflating to 20 MB after the image data: never inflated either", tolerance: 0);

        yield return CorpusCase.Rejected("png-exif-over-limit", chunks.Insert(1, "eXIf", [.. "MM\0*"u8, .. new byte[70_000]]).ToArray(),
            ContractErrorCodes.ImageTooLarge, "70 KB of EXIF: over the 64 KiB metadata limit (EXIF is read for the orientation)");
        yield return CorpusCase.Rejected("png-header-bomb", CraftedPng.HeaderWithEmptyImageData(20000, 20000), ContractErrorCodes.ImageTooLarge,
            "a 60-byte file claiming 20000×20000: refused from the header, nothing allocated");
        yield return CorpusCase.Rejected("png-cut-in-ihdr", Bytes.Cut(png, 20), ContractErrorCodes.ImageTruncated, "cut inside the IHDR header");
        yield return CorpusCase.Rejected("png-cut-in-idat", Bytes.Cut(png, png.Length / 2), ContractErrorCodes.ImageTruncated, "cut half-way through the image data");
        yield return CorpusCase.Rejected("png-no-iend", Bytes.Cut(png, png.Length - 12), ContractErrorCodes.ImageTruncated,
            "every chunk whole but IEND missing: the file was cut after its image data, which may be incomplete");
        yield return CorpusCase.Rejected("png-idat-ends-early", chunks.WithImageData(scanlines[..(scanlines.Length / 2)]).ToArray(),
            ContractErrorCodes.ImageTruncated,
            "valid chunks, CRCs and IEND, but a complete zlib stream holding only half the rows: the decoder would leave the rest blank");
        yield return CorpusCase.Rejected("png-height-doubled",
            chunks.Replace("IHDR", Bytes.Patch(chunks.Chunks[0].Data, 4, 0, 0, 0, Encoded.Height * 2)).ToArray(), ContractErrorCodes.ImageTruncated,
            "IHDR (CRC fixed) claims twice the rows the image data holds");
        yield return CorpusCase.Rejected("png-bad-crc", Bytes.Patch(png, png.Length - 30, (byte)~png[^30]), ContractErrorCodes.ImageInconsistent,
            "one byte of the image data flipped: the chunk CRC no longer matches");
        yield return CorpusCase.Rejected("png-corrupt-deflate",
            chunks.Replace("IDAT", [0x78, 0x9C, .. Enumerable.Repeat((byte)0xFF, 64)]).ToArray(), ContractErrorCodes.ImageInconsistent,
            "the image data is not valid deflate (a reserved block type), CRC fixed");
        yield return CorpusCase.Rejected("png-palette-missing", PngChunks.Parse(palette).Without("PLTE").ToArray(), ContractErrorCodes.ImageInconsistent,
            "a palette image without its PLTE chunk: no colours to look up");
        yield return CorpusCase.Rejected("png-idat-split-by-text", SplitImageData(chunks).ToArray(), ContractErrorCodes.ImageInconsistent,
            "IDAT chunks not consecutive (a tEXt chunk between them), which the PNG spec forbids and decoders read differently");
        yield return CorpusCase.Rejected("png-bad-ihdr", chunks.Replace("IHDR", Bytes.Patch(chunks.Chunks[0].Data, 8, 7)).ToArray(),
            ContractErrorCodes.ImageInconsistent, "IHDR claims bit depth 7, which no colour type allows");
        yield return CorpusCase.Rejected("png-unknown-critical-chunk", chunks.Insert(1, "ABCD", [1, 2, 3]).ToArray(), ContractErrorCodes.ImageUndecodable,
            "an unknown critical chunk (upper-case first letter): the PNG spec says a decoder must not guess");
    }

    private static PngChunks SplitImageData(PngChunks chunks)
    {
        var data = chunks.Chunks.Single(c => c.Type == "IDAT").Data;
        var index = chunks.Chunks.FindIndex(c => c.Type == "IDAT");
        return chunks.Without("IDAT")
            .Insert(index, "IDAT", data[(data.Length / 2)..])
            .Insert(index, "tEXt", [.. "Note"u8, 0, .. "between"u8])
            .Insert(index, "IDAT", data[..(data.Length / 2)]);
    }
}
