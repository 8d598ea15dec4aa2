using Pipeline.Contracts;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.TestSupport.Corpus;

/// <summary>GIF rows of the hostile corpus.</summary>
public static class GifCases
{
    public static IEnumerable<CorpusCase> All()
    {
        var gif = Encoded.With(new GifEncoder());
        var descriptor = FirstDescriptor(gif);
        var lzwData = descriptor + 10 + ((gif[descriptor + 9] & 0x80) != 0 ? 3 << ((gif[descriptor + 9] & 7) + 1) : 0) + 2;

        yield return CorpusCase.Accepted("gif-still", gif, "one frame, global palette", tolerance: 60);
        yield return CorpusCase.Accepted("gif-animated", Animated(), "three frames: the first is used", tolerance: 60);
        yield return CorpusCase.Accepted("gif-trailing-bytes", Bytes.Append(gif, 1, 2, 3, 4), "bytes after the trailer are ignored", tolerance: 60);

        yield return CorpusCase.Rejected("gif-frame-larger-than-canvas", Bytes.PatchUInt16LittleEndian(gif, descriptor + 5, Encoded.Width + 16),
            ContractErrorCodes.ImageInconsistent, "the frame is 16 pixels wider than the logical screen");
        yield return CorpusCase.Rejected("gif-frame-off-canvas", Bytes.PatchUInt16LittleEndian(gif, descriptor + 1, 8), ContractErrorCodes.ImageInconsistent,
            "a full-width frame moved 8 pixels right: it sticks out of the canvas");
        yield return CorpusCase.Rejected("gif-corrupt-lzw", Bytes.Patch(gif, lzwData, 0xFF, 0xFF), ContractErrorCodes.ImageInconsistent,
            "the first LZW code is a table code before any literal (corrupt compressed data)");
        yield return CorpusCase.Rejected("gif-lzw-too-short",
            Bytes.PatchUInt16LittleEndian(Bytes.PatchUInt16LittleEndian(gif, 8, Encoded.Height * 2), descriptor + 7, Encoded.Height * 2),
            ContractErrorCodes.ImageTruncated, "canvas and frame claim twice the rows the LZW data holds");
        yield return CorpusCase.Rejected("gif-cut-in-frame", Bytes.Cut(gif, lzwData + 40), ContractErrorCodes.ImageTruncated, "cut inside the first frame's data");
        yield return CorpusCase.Rejected("gif-no-trailer", Bytes.Cut(gif, gif.Length - 1), ContractErrorCodes.ImageTruncated,
            "everything but the trailer: the file was cut");
        yield return CorpusCase.Rejected("gif-zero-canvas", Bytes.PatchUInt16LittleEndian(gif, 6, 0), ContractErrorCodes.ImageInconsistent,
            "a logical screen 0 pixels wide");
    }

    private static byte[] Animated()
    {
        using var image = Encoded.Picture();
        foreach (var shade in (byte[])[40, 200])
        {
            using var frame = new Image<Rgba32>(Encoded.Width, Encoded.Height, new Rgba32(shade, shade, 0, 255));
            image.Frames.AddFrame(frame.Frames.RootFrame);
        }

        return Encoded.With(new GifEncoder(), image);
    }

    /// <summary>Offset of the first image descriptor (0x2C), walking past the colour table and extensions.</summary>
    private static int FirstDescriptor(byte[] gif)
    {
        var pos = 13 + ((gif[10] & 0x80) != 0 ? 3 << ((gif[10] & 7) + 1) : 0);
        while (gif[pos] == 0x21)
        {
            pos += 2;
            while (gif[pos] != 0)
            {
                pos += gif[pos] + 1;
            }

            pos++;
        }

        return pos;
    }
}
