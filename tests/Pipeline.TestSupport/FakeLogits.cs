namespace Pipeline.TestSupport;

/// <summary>
/// A stand-in for the denoiser's output, for the sampler and engine tests: logits are a pure function of the whole
/// input row (a hash of its tokens) and the position, so any change in what is fed to the model shows up in the output,
/// and one row's logits never depend on the other rows of its batch.
/// </summary>
public static class FakeLogits
{
    /// <summary>Writes <c>row.Length × codebookSize</c> logits, in [-3, 3), for <paramref name="row"/>.</summary>
    public static void Fill(ReadOnlySpan<long> row, int codebookSize, Span<float> logits)
    {
        var rowHash = 0xCBF29CE484222325UL;
        foreach (var token in row)
        {
            rowHash = (rowHash ^ (ulong)token) * 0x100000001B3UL;
        }

        for (var p = 0; p < row.Length; p++)
        {
            for (var v = 0; v < codebookSize; v++)
            {
                var h = Mix(rowHash ^ Mix(((ulong)p << 32) | (uint)v));
                logits[p * codebookSize + v] = (float)((h >> 40) / (double)(1UL << 24) * 6.0 - 3.0);
            }
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
