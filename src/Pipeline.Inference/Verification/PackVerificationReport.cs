using System.Globalization;

namespace Pipeline.Inference;

/// <summary>How far a pack's ONNX graphs, run here, are from the exporter's PyTorch outputs on the golden inputs.</summary>
public sealed record PackVerificationReport(
    string PackName,
    ExecutionProvider Provider,
    int EncoderIds,
    int EncoderIdMismatches,
    double DecoderMaxAbsDiff,
    double DecoderTolerance,
    double DenoiserMaxAbsDiff,
    double DenoiserTolerance)
{
    /// <summary>Encoder ids all equal, and both float outputs within tolerance (NaN never passes).</summary>
    public bool Passed => EncoderIdMismatches == 0 && DecoderMaxAbsDiff <= DecoderTolerance && DenoiserMaxAbsDiff <= DenoiserTolerance;

    /// <summary>One line per graph, for logs and the `pipeline pack verify` command.</summary>
    public override string ToString() => string.Join(
        Environment.NewLine,
        $"pack {PackName} on {Provider}: {(Passed ? "PASS" : "FAIL")}",
        $"  encoder:  {EncoderIdMismatches} of {EncoderIds} token ids differ {Mark(EncoderIdMismatches == 0)}",
        string.Create(CultureInfo.InvariantCulture, $"  decoder:  max |diff| {DecoderMaxAbsDiff:G3} (tolerance {DecoderTolerance:G3}) {Mark(DecoderMaxAbsDiff <= DecoderTolerance)}"),
        string.Create(CultureInfo.InvariantCulture, $"  denoiser: max |diff| {DenoiserMaxAbsDiff:G3} (tolerance {DenoiserTolerance:G3}) {Mark(DenoiserMaxAbsDiff <= DenoiserTolerance)}"));

    private static string Mark(bool ok) => ok ? "ok" : "FAIL";
}
