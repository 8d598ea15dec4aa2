using Pipeline.Contracts;

namespace Pipeline.TestSupport.Corpus;

/// <summary>
/// A row of the hostile corpus: a file generated in code, what reading it must do, and why.
/// </summary>
/// <param name="Name">Format prefix and case, e.g. "png-idat-ends-early".</param>
/// <param name="File">The bytes.</param>
/// <param name="Expected">The <see cref="ContractErrorCodes"/> value it is rejected with, or null when it must be accepted.</param>
/// <param name="Why">What the file is and why that is the right outcome.</param>
public sealed record CorpusCase(string Name, byte[] File, string? Expected, string Why)
{
    /// <summary>Accepted rows: the size the image must decode to.</summary>
    public (int Width, int Height) Size { get; init; } = (Encoded.Width, Encoded.Height);

    /// <summary>
    /// Accepted rows of <see cref="Encoded.Picture"/>: how far (per channel) the probe pixels may be from the source;
    /// null when the encoding changes them on purpose (grey, 1-bit, flipped).
    /// </summary>
    public int? Tolerance { get; init; }

    public static CorpusCase Accepted(string name, byte[] file, string why, int? tolerance = null) =>
        new(name, file, null, why) { Tolerance = tolerance };

    public static CorpusCase Rejected(string name, byte[] file, string code, string why) => new(name, file, code, why);

    public override string ToString() => Name;
}
