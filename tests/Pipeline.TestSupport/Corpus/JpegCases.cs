using Pipeline.Contracts;
using SixLabors.ImageSharp.Formats.Jpeg;

namespace Pipeline.TestSupport.Corpus;

/// <summary>JPEG rows of the hostile corpus.</summary>
public static class JpegCases
{
    private static readonly byte[] Eoi = [0xFF, 0xD9];

    public static IEnumerable<CorpusCase> All()
    {
        var baseline = Encoded.With(new JpegEncoder { Quality = 90, ColorType = JpegColorType.YCbCrRatio420 });
        using var picture = Encoded.Picture();
        var progressive = TestJpegEncoder.Encode(picture, TestJpegEncoder.Kind.YCbCr, progressive: true);
        var restarts = TestJpegEncoder.Encode(picture, TestJpegEncoder.Kind.YCbCr, progressive: false, restartInterval: 4);

        yield return CorpusCase.Accepted("jpeg-baseline-420", baseline, "baseline, 4:2:0 chroma (ImageSharp's encoder)", tolerance: 40);
        yield return CorpusCase.Accepted("jpeg-baseline-444", Encoded.With(new JpegEncoder { Quality = 90, ColorType = JpegColorType.YCbCrRatio444 }),
            "baseline, 4:4:4", tolerance: 30);
        yield return CorpusCase.Accepted("jpeg-grey", Encoded.With(new JpegEncoder { Quality = 90, ColorType = JpegColorType.Luminance }),
            "one component (greyscale)");
        yield return CorpusCase.Accepted("jpeg-progressive", progressive,
            "progressive: DC first, two AC bands, AC refined twice, DC refined (as libjpeg's scripts)", tolerance: 12);
        yield return CorpusCase.Accepted("jpeg-progressive-grey",
            TestJpegEncoder.Encode(picture, TestJpegEncoder.Kind.Gray, progressive: true), "progressive greyscale");
        yield return CorpusCase.Accepted("jpeg-progressive-restarts",
            TestJpegEncoder.Encode(picture, TestJpegEncoder.Kind.YCbCr, progressive: true, restartInterval: 3),
            "progressive with restart markers every 3 MCUs (end-of-band runs end at each)", tolerance: 12);
        yield return CorpusCase.Accepted("jpeg-baseline-restarts", restarts, "baseline with restart markers every 4 MCUs", tolerance: 12);
        yield return CorpusCase.Accepted("jpeg-cmyk", TestJpegEncoder.Encode(picture, TestJpegEncoder.Kind.Cmyk, progressive: false),
            "four components with an Adobe marker (CMYK)");
        yield return CorpusCase.Accepted("jpeg-cmyk-progressive", TestJpegEncoder.Encode(picture, TestJpegEncoder.Kind.Cmyk, progressive: true),
            "progressive CMYK");
        yield return CorpusCase.Accepted("jpeg-trailing-bytes", Bytes.Append(baseline, [.. "appended data"u8]),
            "bytes after EOI are ignored (cameras and editors append data)", tolerance: 40);

        yield return CorpusCase.Rejected("jpeg-scan-cut-then-eoi", [.. baseline[..(baseline.Length * 2 / 3)], .. Eoi], ContractErrorCodes.ImageTruncated,
            "a scan cut a third before its end with an end marker appended: the decoder would fill the rest with grey");
        yield return CorpusCase.Rejected("jpeg-no-eoi", Bytes.Cut(baseline, baseline.Length - 2), ContractErrorCodes.ImageTruncated,
            "complete scan but no end-of-image marker: the file was cut");
        yield return CorpusCase.Rejected("jpeg-cut-in-headers", Bytes.Cut(baseline, 100), ContractErrorCodes.ImageTruncated, "cut inside the table segments");
        yield return CorpusCase.Rejected("jpeg-first-progressive-scan-only", [.. progressive[..Bytes.Find(progressive, [0xFF, 0xDA], 1)], .. Eoi],
            ContractErrorCodes.ImageTruncated, "only the first (DC) scan of a progressive file, then an end marker: a blur of 8×8 blocks");
        yield return CorpusCase.Rejected("jpeg-progressive-cut-in-scan-5", Bytes.Cut(progressive, Bytes.Find(progressive, [0xFF, 0xDA], 4) + 30),
            ContractErrorCodes.ImageTruncated, "a progressive file cut inside its fifth scan");
        yield return CorpusCase.Rejected("jpeg-refinement-without-first-scan", WithoutScan(progressive, 1), ContractErrorCodes.ImageInconsistent,
            "a progressive file missing a first AC scan, so a later scan refines coefficients never sent");
        yield return CorpusCase.Rejected("jpeg-restarts-cut-then-eoi", [.. restarts[..(Bytes.Find(restarts, [0xFF, 0xD1]) + 10)], .. Eoi],
            ContractErrorCodes.ImageTruncated, "cut after its second restart interval, end marker appended");
        yield return CorpusCase.Rejected("jpeg-corrupt-huffman", CorruptScan(baseline), ContractErrorCodes.ImageInconsistent,
            "48 one-bits in the middle of the scan: no Huffman code matches (all-ones is reserved)");
        yield return CorpusCase.Rejected("jpeg-arithmetic", Bytes.Patch(baseline, Bytes.Find(baseline, [0xFF, 0xC0]) + 1, 0xC9),
            ContractErrorCodes.ImageUndecodable, "arithmetic coding (SOF9), which the decoder does not support");
        yield return CorpusCase.Rejected("jpeg-height-after-data", Bytes.Patch(baseline, Bytes.Find(baseline, [0xFF, 0xC0]) + 5, 0, 0),
            ContractErrorCodes.ImageUndecodable, "height 0 in the frame header (to be given by a DNL marker), which the decoder does not support");
        yield return CorpusCase.Rejected("jpeg-no-huffman-tables", WithoutSegments(baseline, 0xC4), ContractErrorCodes.ImageInconsistent,
            "its DHT segments removed: the scan uses tables never defined");
        yield return CorpusCase.Rejected("jpeg-exif-over-limit", [.. baseline[..2], .. ExifSegment(40_000), .. ExifSegment(40_000), .. baseline[2..]],
            ContractErrorCodes.ImageTooLarge, "two EXIF APP1 segments joining to 80 KB: over the 64 KiB metadata limit");
        yield return CorpusCase.Rejected("jpeg-896-scans", TestJpegEncoder.Encode(picture, TestJpegEncoder.Kind.Gray, progressive: true, script: BitByBit()),
            ContractErrorCodes.ImageUndecodable, "896 valid scans, every coefficient sent and refined one bit at a time: each scan walks every block, so the cost is capped at 256 scans");
        yield return CorpusCase.Rejected("jpeg-no-scan", [.. baseline[..Bytes.Find(baseline, [0xFF, 0xDA])], .. Eoi],
            ContractErrorCodes.ImageTruncated, "every table and the frame header, then an end marker: no image data at all");
    }

    /// <summary>A greyscale script sending each coefficient alone and refining it from bit 13 down: 896 scans.</summary>
    private static IEnumerable<(int[], int, int, int, int)> BitByBit()
    {
        for (var k = 0; k < 64; k++)
        {
            yield return ([0], k, k, 0, 13);
            for (var ah = 13; ah > 0; ah--)
            {
                yield return ([0], k, k, ah, ah - 1);
            }
        }
    }

    /// <summary>The file without its scan number <paramref name="index"/> (0-based): from its SOS to the next SOS.</summary>
    private static byte[] WithoutScan(byte[] jpeg, int index)
    {
        int start = Bytes.Find(jpeg, [0xFF, 0xDA], index), end = Bytes.Find(jpeg, [0xFF, 0xDA], index + 1);
        return [.. jpeg[..start], .. jpeg[end..]];
    }

    /// <summary>The file (up to its first scan) without the segments of one marker.</summary>
    private static byte[] WithoutSegments(byte[] jpeg, byte marker)
    {
        var scan = Bytes.Find(jpeg, [0xFF, 0xDA]);
        var kept = new List<byte>(jpeg[..2]);
        var pos = 2;
        while (pos < scan)
        {
            var length = (jpeg[pos + 2] << 8) | jpeg[pos + 3];
            if (jpeg[pos + 1] != marker)
            {
                kept.AddRange(jpeg[pos..(pos + 2 + length)]);
            }

            pos += 2 + length;
        }

        return [.. kept, .. jpeg[scan..]];
    }

    private static byte[] CorruptScan(byte[] jpeg)
    {
        var sos = Bytes.Find(jpeg, [0xFF, 0xDA]);
        var at = sos + 2 + ((jpeg[sos + 2] << 8) | jpeg[sos + 3]) + ((jpeg.Length - sos) / 2);
        while (jpeg[at - 1] == 0xFF)
        {
            at++;
        }

        return Bytes.Patch(jpeg, at, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0, 0xFF, 0);
    }

    private static byte[] ExifSegment(int size)
    {
        var length = size + 2 + 6;
        return [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. "Exif\0\0"u8, .. "MM\0*"u8, .. new byte[size - 4]];
    }
}
