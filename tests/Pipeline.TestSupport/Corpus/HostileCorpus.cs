using Pipeline.Contracts;

namespace Pipeline.TestSupport.Corpus;

/// <summary>
/// Every row of the hostile corpus, by name: valid files of every format the decoder reads (the variants that
/// must not be rejected: progressive, interlaced, 16-bit, CMYK, animated, trailing bytes) and the hostile ones
/// (cut short, inconsistent, corrupt, bombs), generated in code with ImageSharp's encoders or by hand, then mutated.
/// </summary>
public static class HostileCorpus
{
    private static readonly Lazy<IReadOnlyDictionary<string, CorpusCase>> Rows = new(() =>
        PngCases.All()
            .Concat(JpegCases.All())
            .Concat(GifCases.All())
            .Concat(BmpCases.All())
            .Concat(WebpCases.All())
            .Concat(TgaCases.All())
            .Concat(Others())
            .ToDictionary(c => c.Name));

    public static IReadOnlyDictionary<string, CorpusCase> Cases => Rows.Value;

    private static IEnumerable<CorpusCase> Others()
    {
        var random = new byte[4096];
        new Random(7).NextBytes(random);
        yield return CorpusCase.Rejected("other-random-bytes", random, ContractErrorCodes.ImageUndecodable, "4 KB of random bytes: no signature, not a consistent TGA header");
        yield return CorpusCase.Rejected("other-text", "hello, this is not an image\n"u8.ToArray(), ContractErrorCodes.ImageUndecodable, "plain text");
        yield return CorpusCase.Rejected("other-tiff", [.. "II*\0"u8, 8, 0, 0, 0, .. new byte[64]], ContractErrorCodes.ImageUndecodable,
            "a TIFF header: a format deliberately not read (attack surface nobody here needs)");
    }
}
