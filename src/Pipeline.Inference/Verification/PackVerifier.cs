namespace Pipeline.Inference;

/// <summary>
/// Runs a pack's golden inputs through its loaded graphs and compares with the exporter's PyTorch outputs:
/// encoder token ids exactly, decoder pixels and denoiser logits by max absolute difference against the
/// tolerances stored with the vectors. Catches export bugs (layout, normalisation, MASK handling) and runtime
/// or provider differences before a pack serves jobs.
/// </summary>
public static class PackVerifier
{
    /// <exception cref="ModelPackException">The pack names no golden vectors, or they are unreadable.</exception>
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
        var logits = new float[expectedLogits.Length];
        pack.Denoiser.Forward(grids.Longs!, grids.Batch, logits);

        return new PackVerificationReport(
            pack.Manifest.Name,
            pack.ActiveProvider,
            expectedIds.Length,
            mismatches,
            MaxAbsDiff(decoded, expectedImage),
            golden.DecoderTolerance,
            MaxAbsDiff(logits, expectedLogits),
            golden.DenoiserTolerance);
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
}
