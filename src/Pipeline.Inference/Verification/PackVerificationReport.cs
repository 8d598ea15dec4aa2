using System.Globalization;

namespace Pipeline.Inference;

/// <summary>How far a pack's ONNX graphs, run here, are from the exporter's PyTorch outputs on the golden inputs.</summary>
/// <param name="DenoiserTop1Agreement">Share of golden positions where the float32 denoiser's argmax equals the golden one's.</param>
/// <param name="DenoiserInt8">The int8 denoiser against the same float32 golden logits, when the pack has one.</param>
/// <param name="DenoiserFp16">The fp16 denoiser likewise, when the pack has one (on CPU through ONNX Runtime's inserted float32 Casts).</param>
/// <param name="DenoiserFp16Note">What a CPU check of the fp16 denoiser does not show, or null on CUDA.</param>
public sealed record PackVerificationReport(
    string PackName,
    ExecutionProvider Provider,
    int EncoderIds,
    int EncoderIdMismatches,
    double DecoderMaxAbsDiff,
    double DecoderTolerance,
    double DenoiserMaxAbsDiff,
    double DenoiserTolerance,
    double DenoiserTop1Agreement,
    QuantizedDenoiserCheck? DenoiserInt8,
    QuantizedDenoiserCheck? DenoiserFp16 = null,
    string? DenoiserFp16Note = null)
{
    /// <summary>Encoder ids all equal, both float outputs within tolerance (NaN never passes), and the int8 denoiser (if any) within its stated parity.</summary>
    public bool Passed => EncoderIdMismatches == 0 && DecoderMaxAbsDiff <= DecoderTolerance && DenoiserMaxAbsDiff <= DenoiserTolerance
        && (DenoiserInt8?.Passed ?? true) && (DenoiserFp16?.Passed ?? true);

    /// <summary>One line per graph, for logs and the `pipeline pack verify` command.</summary>
    public override string ToString()
    {
        var lines = new List<string>
        {
            $"pack {PackName} on {Provider}: {(Passed ? "PASS" : "FAIL")}",
            $"  encoder:  {EncoderIdMismatches} of {EncoderIds} token ids differ {Mark(EncoderIdMismatches == 0)}",
            string.Create(CultureInfo.InvariantCulture, $"  decoder:  max |diff| {DecoderMaxAbsDiff:G3} (tolerance {DecoderTolerance:G3}) {Mark(DecoderMaxAbsDiff <= DecoderTolerance)}"),
            string.Create(CultureInfo.InvariantCulture, $"  denoiser: max |diff| {DenoiserMaxAbsDiff:G3} (tolerance {DenoiserTolerance:G3}), top-1 agreement {DenoiserTop1Agreement * 100:F1}% {Mark(DenoiserMaxAbsDiff <= DenoiserTolerance)}"),
        };
        foreach (var (label, check) in new[] { ("int8", DenoiserInt8), ("fp16", DenoiserFp16) })
        {
            if (check is { } q)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"  denoiser {label} ({q.File}) vs float32 golden: max |diff| {q.MaxAbsDiff:G3} (tolerance {q.Tolerance:G3}), " +
                    $"top-1 agreement {q.Top1Agreement * 100:F1}% of {q.Positions} positions (at least {q.MinTop1Agreement * 100:F0}%) {Mark(q.Passed)}"));
            }
        }

        if (DenoiserFp16Note is { } note)
        {
            lines.Add($"    ({note})");
        }

        return string.Join(Environment.NewLine, lines);
    }

    internal static string Mark(bool ok) => ok ? "ok" : "FAIL";
}

/// <summary>The int8 or fp16 denoiser on the golden grids against the float32 golden logits, and the pack's stated parity.</summary>
/// <param name="Positions">Token positions compared (golden grids × tokens).</param>
public sealed record QuantizedDenoiserCheck(string File, double MaxAbsDiff, double Tolerance, double Top1Agreement, double MinTop1Agreement, int Positions)
{
    /// <summary>Max |diff| within the tolerance and top-1 agreement at or above the floor (NaN never passes).</summary>
    public bool Passed => MaxAbsDiff <= Tolerance && Top1Agreement >= MinTop1Agreement;
}
