namespace Pipeline.Inference;

/// <summary>
/// Runs a pack's golden inputs through its loaded graphs and compares with the exporter's PyTorch outputs:
/// encoder token ids exactly, decoder pixels and denoiser logits by max absolute difference against the
/// tolerances stored with the vectors. Catches export bugs (layout, normalisation, MASK handling) and runtime
/// or provider differences before a pack serves jobs. Both denoiser graphs are checked when the pack has the int8
/// one (whichever the pack serves with; the other gets a session of its own for the check): the int8 graph against
/// the same float32 golden logits, within the parity the manifest states for it (max |diff| and top-1 agreement),
/// which also catches a runtime or CPU whose integer kernels compute something else (e.g. the 16-bit saturation of
/// uint8 × int8 products on x86 without VNNI, which is why quantize.py stores weights as uint8).
/// </summary>
public static class PackVerifier
{
    /// <exception cref="ModelPackException">The pack names no golden vectors, they are unreadable, or the other denoiser graph cannot be loaded.</exception>
    public static PackVerificationReport Verify(ModelPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        var golden = GoldenVectors.Load(Path.Combine(pack.Directory, pack.Manifest.Golden
            ?? throw new ModelPackException($"Pack '{pack.Manifest.Name}' names no golden vectors (manifest 'golden').")));

        var image = golden["encoder.image"];
        var expectedIds = golden["encoder.token_ids"].Longs!;
        var ids = new long[expectedIds.Length];
        pack.Codec.Encode(image.Floats!, image.Batch, ids);
        var mismatches = ids.Where((id, i) => id != expectedIds[i]).Count();

        var decoderIds = golden["decoder.token_ids"];
        var expectedImage = golden["decoder.image"].Floats!;
        var decoded = new float[expectedImage.Length];
        pack.Codec.Decode(decoderIds.Longs!, decoderIds.Batch, decoded);

        var grids = golden["denoiser.token_ids"];
        var expectedLogits = golden["denoiser.logits"].Floats!;
        var v = pack.Manifest.CodebookSize;
        var logits = RunDenoiser(pack, DenoiserPrecision.Float32, grids, expectedLogits.Length)!;

        var int8 = CheckVariant(pack, DenoiserPrecision.Int8, grids, expectedLogits);
        var fp16 = CheckVariant(pack, DenoiserPrecision.Float16, grids, expectedLogits);
        var fp16Note = fp16 is not null && pack.ActiveProvider != ExecutionProvider.Cuda
            ? "on CPU ONNX Runtime computes most of it in float32; its float16 arithmetic is checked only with --provider cuda on a GPU"
            : null;

        return new PackVerificationReport(
            pack.Manifest.Name,
            pack.ActiveProvider,
            expectedIds.Length,
            mismatches,
            MaxAbsDiff(decoded, expectedImage),
            golden.DecoderTolerance,
            MaxAbsDiff(logits, expectedLogits),
            golden.DenoiserTolerance,
            Top1Agreement(logits, expectedLogits, v),
            int8,
            fp16,
            fp16Note);
    }

    // The pack's int8 or fp16 denoiser against the float32 golden logits, or null when it has none.
    private static QuantizedDenoiserCheck? CheckVariant(ModelPack pack, DenoiserPrecision precision, GoldenTensor grids, float[] expectedLogits)
    {
        var v = pack.Manifest.CodebookSize;
        return pack.Manifest.Graphs.VariantFor(precision) is { } spec && RunDenoiser(pack, precision, grids, expectedLogits.Length) is { } logits
            ? new QuantizedDenoiserCheck(spec.File, MaxAbsDiff(logits, expectedLogits), spec.Parity.MaxAbsDiff,
                Top1Agreement(logits, expectedLogits, v), spec.Parity.MinTop1Agreement, expectedLogits.Length / v)
            : null;
    }

    // All golden grids in one call, as the exporter measured them (the int8 graph's activation scale spans the batch).
    private static float[]? RunDenoiser(ModelPack pack, DenoiserPrecision precision, GoldenTensor grids, int logitCount)
    {
        var logits = new float[logitCount];
        if (pack.DenoiserPrecision == precision)
        {
            pack.Denoiser.Forward(grids.Longs!, grids.Batch, logits);
            return logits;
        }

        using var other = pack.OpenDenoiser(precision);
        if (other is null)
        {
            return null;
        }

        other.Denoiser.Forward(grids.Longs!, grids.Batch, logits);
        return logits;
    }

    // NaN anywhere makes the result NaN, which fails every tolerance check.
    private static double MaxAbsDiff(float[] actual, float[] expected)
    {
        var max = 0.0;
        for (var i = 0; i < actual.Length; i++)
        {
            var d = Math.Abs((double)actual[i] - expected[i]);
            if (double.IsNaN(d))
            {
                return double.NaN;
            }

            max = Math.Max(max, d);
        }

        return max;
    }

    /// <summary>Share of positions (rows of <paramref name="v"/> logits) whose argmax (first maximum) is the same in both.</summary>
    internal static double Top1Agreement(float[] actual, float[] expected, int v)
    {
        var positions = expected.Length / v;
        var agree = 0;
        for (var p = 0; p < positions; p++)
        {
            if (ArgMax(actual.AsSpan(p * v, v)) == ArgMax(expected.AsSpan(p * v, v)))
            {
                agree++;
            }
        }

        return positions == 0 ? 1 : (double)agree / positions;
    }

    // The first maximum; -1 when the row holds a NaN (the max |diff| check fails such a graph anyway).
    private static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var i = 0; i < row.Length; i++)
        {
            if (float.IsNaN(row[i]))
            {
                return -1;
            }

            if (row[i] > row[best])
            {
                best = i;
            }
        }

        return best;
    }
}
