namespace Pipeline.Sampling;

/// <summary>How many positions each order commits at a step (docs/architecture.md §1). Steps count down: t = S, S−1, …, 1.</summary>
public static class UnmaskSchedule
{
    /// <summary>
    /// Reference rule (Unleashing Transformers, `sample()`): each still-masked position is unmasked with
    /// probability 1/t. Over the run every position is unmasked, since 1/t = 1 at t = 1.
    /// </summary>
    public static double ReferenceProbability(int t) => 1.0 / t;

    /// <summary>Exact-K order: ceil(remaining / t) positions, so the remaining count falls evenly and reaches 0 at t = 1.</summary>
    public static int ExactKCount(int remaining, int t) => (remaining + t - 1) / t;

    /// <summary>
    /// MaskGIT order (Chang et al., "MaskGIT: Masked Generative Image Transformer", CVPR 2022, §3.2, eq. 4): after step
    /// index i (0-based) of S, floor(M0 · γ((i+1)/S)) positions stay masked, M0 being the count masked at the start and γ
    /// the <paramref name="schedule"/> (<see cref="ConfidenceSchedule.MaskedFraction"/>; cosine by default). After the
    /// last step nothing stays masked.
    /// </summary>
    public static int ConfidenceMaskedAfter(int initialMasked, int stepIndex, int steps, MaskSchedule schedule = MaskSchedule.Cosine)
    {
        if (stepIndex >= steps - 1)
        {
            return 0;
        }

        var ratio = (stepIndex + 1) / (double)steps;
        return (int)Math.Floor(initialMasked * ConfidenceSchedule.MaskedFraction(schedule, ratio));
    }
}
