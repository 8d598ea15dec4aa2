using Pipeline.Contracts;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.TestSupport.Corpus;

/// <summary>WebP rows of the hostile corpus.</summary>
public static class WebpCases
{
    public static IEnumerable<CorpusCase> All()
    {
        var lossy = Encoded.With(new WebpEncoder { FileFormat = WebpFileFormatType.Lossy, Quality = 90 });
        var lossless = Encoded.With(new WebpEncoder { FileFormat = WebpFileFormatType.Lossless });
        using var translucentPicture = Encoded.Picture(translucent: true);
        var translucent = Encoded.With(new WebpEncoder { FileFormat = WebpFileFormatType.Lossy }, translucentPicture);
        var vp8 = Riff.Chunks(lossy).Single(c => c.Type == "VP8 ").Payload;
        var vp8Chunk = Riff.Chunk("VP8 ", vp8);
        using var yellow = new Image<Rgba32>(Encoded.Width, Encoded.Height, new Rgba32(220, 220, 0, 255));
        var yellowChunk = Riff.Chunk("VP8L", Riff.Chunks(Encoded.With(new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }, yellow))[0].Payload);
        using var red = new Image<Rgba32>(16, 16, new Rgba32(255, 0, 0, 255));
        var redChunk = Riff.Chunk("VP8L", Riff.Chunks(Encoded.With(new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }, red))[0].Payload);
        var header = Riff.Vp8X(0x02, Encoded.Width, Encoded.Height);

        yield return CorpusCase.Accepted("webp-lossy", lossy, "simple lossy (VP8)", tolerance: 40);
        yield return CorpusCase.Accepted("webp-lossless", lossless, "simple lossless (VP8L)", tolerance: 0);
        yield return CorpusCase.Accepted("webp-lossy-alpha", translucent, "extended (VP8X) lossy with an alpha plane (ALPH)");
        yield return CorpusCase.Accepted("webp-animated",
            Riff.File(header, Riff.Animation(), Riff.Frame(0, 0, Encoded.Width, Encoded.Height, vp8Chunk), Riff.Frame(0, 0, Encoded.Width, Encoded.Height, yellowChunk)),
            "two full-canvas frames: the first is used (the decoder reads no animation, so it gets the frame as a still)", tolerance: 40);
        yield return CorpusCase.Accepted("webp-animated-alpha",
            Riff.File(Riff.Vp8X(0x12, Encoded.Width, Encoded.Height), Riff.Animation(),
                Riff.Frame(0, 0, Encoded.Width, Encoded.Height, [.. Riff.Chunks(translucent).Where(c => c.Type is "ALPH" or "VP8 ").SelectMany(c => Riff.Chunk(c.Type, c.Payload))])),
            "an animation whose first frame has an alpha plane");
        yield return CorpusCase.Accepted("webp-animated-small-first-frame",
            Riff.File(header, Riff.Animation(), Riff.Frame(8, 8, 16, 16, redChunk), Riff.Frame(0, 0, Encoded.Width, Encoded.Height, yellowChunk)),
            "a first frame of 16×16 at (8, 8): placed on a transparent canvas (white once flattened)");
        yield return CorpusCase.Accepted("webp-trailing-bytes", Bytes.Append(lossy, [.. "trailing"u8]),
            "bytes after the RIFF end are ignored (the decoder, which would read them as chunks, never sees them)", tolerance: 40);

        yield return CorpusCase.Rejected("webp-cut", Bytes.Cut(lossy, lossy.Length / 2), ContractErrorCodes.ImageTruncated,
            "cut in half: the RIFF header says twice the bytes the file has");
        yield return CorpusCase.Rejected("webp-canvas-disagrees", Riff.File(Riff.Vp8X(0, 1, 1), vp8Chunk), ContractErrorCodes.ImageInconsistent,
            "a VP8X canvas of 1×1 around a 48×40 bitstream (decoded as 1×1 before)");
        yield return CorpusCase.Rejected("webp-vp8-partition-cut", Riff.File(Riff.Chunk("VP8 ", vp8[..40])), ContractErrorCodes.ImageTruncated,
            "a lossy bitstream cut to 40 bytes with the chunk and RIFF sizes rewritten: its first partition does not fit");
        yield return CorpusCase.Rejected("webp-chunk-past-riff-end", Bytes.PatchUInt32LittleEndian(Bytes.Append(lossy, new byte[64]), 4, (uint)(lossy.Length - 40)),
            ContractErrorCodes.ImageInconsistent, "the RIFF size ends inside the image chunk (the file itself is long enough)");
        yield return CorpusCase.Rejected("webp-frame-off-canvas",
            Riff.File(header, Riff.Animation(), Riff.Frame(40, 30, 16, 16, redChunk)), ContractErrorCodes.ImageInconsistent,
            "a 16×16 frame at (40, 30) on a 48×40 canvas");
        yield return CorpusCase.Rejected("webp-frame-size-disagrees",
            Riff.File(header, Riff.Animation(), Riff.Frame(0, 0, 20, 20, vp8Chunk)), ContractErrorCodes.ImageInconsistent,
            "a frame header of 20×20 around a 48×40 bitstream");
        yield return CorpusCase.Rejected("webp-animated-no-frames", Riff.File(header, Riff.Animation()), ContractErrorCodes.ImageInconsistent,
            "marked animated, but no frame");
        yield return CorpusCase.Rejected("webp-exif-over-limit",
            Riff.File(Riff.Vp8X(0x08, Encoded.Width, Encoded.Height), vp8Chunk, Riff.Chunk("EXIF", [.. "MM\0*"u8, .. new byte[70_000]])),
            ContractErrorCodes.ImageTooLarge, "70 KB of EXIF: over the 64 KiB metadata limit");
    }
}
