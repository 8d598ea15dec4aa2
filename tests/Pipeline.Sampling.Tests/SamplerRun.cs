namespace Pipeline.Sampling.Tests;

/// <summary>Drives a <see cref="TokenSampler"/> to the end the way the engine does, with <see cref="FakeLogits"/> as the model.</summary>
internal static class SamplerRun
{
    public const int CodebookSize = 16;

    public static (long[] Tokens, int Forwards) Run(SamplerSettings settings, ReadOnlySpan<long> initial, long seed,
        bool forceForward = false, Action<TokenSampler, int>? afterPlan = null)
    {
        var sampler = new TokenSampler(settings, CodebookSize, initial, seed);
        var logits = new float[initial.Length * CodebookSize];
        var forwards = 0;
        while (!sampler.IsFinished)
        {
            var planned = sampler.PlanStep();
            afterPlan?.Invoke(sampler, planned);
            if (sampler.NeedsForward || forceForward)
            {
                FakeLogits.Fill(sampler.Tokens, CodebookSize, logits);
                forwards++;
                sampler.ApplyStep(logits);
            }
            else
            {
                sampler.ApplyStep([]);
            }
        }

        return (sampler.Tokens.ToArray(), forwards);
    }

    public static long[] Masked(int n) => TokenMasks.Generation(n, CodebookSize);

    /// <summary>A fully known row of ids 0..V-1, as an encoder would produce.</summary>
    public static long[] Source(int n) => Enumerable.Range(0, n).Select(i => (long)(i * 7 % CodebookSize)).ToArray();
}
