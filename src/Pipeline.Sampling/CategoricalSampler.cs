using System.Numerics.Tensors;

namespace Pipeline.Sampling;

/// <summary>Draws one token from softmax(logits / temperature), optionally restricted to the top K logits.</summary>
internal static class CategoricalSampler
{
    /// <summary>
    /// Samples an index of <paramref name="logits"/> (length V) by inverse CDF over
    /// p_i ∝ exp((l_i − max l) / τ) (subtracting the max keeps exp from overflowing; it cancels in the ratio).
    /// With top-K, logits below the K-th largest get p = 0; ties at the K-th value are all kept, so the rule
    /// depends only on the values, never on a sort's tie order.
    /// </summary>
    /// <remarks>
    /// The max, the weights and their sum are SIMD (TensorPrimitives) in float: this runs for every masked position
    /// of every job at every step of the confidence order (the engine's own time between forwards; scalar double exp
    /// took 20% longer per step). The CDF walk stays scalar and in double.
    /// </remarks>
    /// <param name="scratch">V floats owned by the caller; overwritten.</param>
    /// <param name="logProbability">ln p of the drawn index under the (truncated, tempered) distribution.</param>
    public static int Sample(ReadOnlySpan<float> logits, float temperature, int? topK, Span<float> scratch,
        Xoshiro256StarStar random, out double logProbability)
    {
        var v = logits.Length;
        var weights = scratch[..v];
        var threshold = TopKThreshold(logits, topK, weights);

        // NaN anywhere makes the max NaN: such logits are unusable, whatever else they hold.
        var max = TensorPrimitives.Max(logits);
        if (!float.IsFinite(max))
        {
            throw new ArgumentException("logits have no finite maximum (NaN or infinity); the denoiser produced unusable output", nameof(logits));
        }

        TensorPrimitives.Subtract(logits, max, weights);
        TensorPrimitives.Divide(weights, temperature, weights); // not × 1/τ: for a tiny τ that is ∞, and 0 × ∞ is NaN
        TensorPrimitives.Exp(weights, weights);
        return Draw(weights, logits, threshold, random, out logProbability);
    }

    /// <summary>
    /// The K-th largest value of <paramref name="ranking"/>, below which top-K gives p = 0; −∞ without top-K (or K ≥ V).
    /// <paramref name="scratch"/> (V floats) is overwritten.
    /// </summary>
    internal static float TopKThreshold(ReadOnlySpan<float> ranking, int? topK, Span<float> scratch)
    {
        var v = ranking.Length;
        if (topK is not { } k || k >= v)
        {
            return float.NegativeInfinity;
        }

        ranking.CopyTo(scratch);
        scratch[..v].Sort();
        return scratch[v - k];
    }

    /// <summary>
    /// Zeroes the weights whose <paramref name="ranking"/> value is below <paramref name="threshold"/> (top-K), then draws an
    /// index by inverse CDF over the remaining unnormalized <paramref name="weights"/>; ln p of the draw in
    /// <paramref name="logProbability"/>. Shared by token logits and the canvas's window mixtures.
    /// </summary>
    internal static int Draw(Span<float> weights, ReadOnlySpan<float> ranking, float threshold, Xoshiro256StarStar random,
        out double logProbability)
    {
        var v = weights.Length;
        if (float.IsFinite(threshold))
        {
            for (var i = 0; i < v; i++)
            {
                if (ranking[i] < threshold)
                {
                    weights[i] = 0f;
                }
            }
        }

        double sum = TensorPrimitives.Sum(weights);
        var target = random.NextDouble() * sum;
        var cumulative = 0.0;
        var chosen = -1;
        for (var i = 0; i < v; i++)
        {
            if (weights[i] <= 0f)
            {
                continue;
            }

            chosen = i;
            cumulative += weights[i];
            if (target < cumulative)
            {
                break;
            }
        }

        // chosen is the last positive weight when rounding put target at the very top of the CDF.
        logProbability = Math.Log(weights[chosen] / sum);
        return chosen;
    }
}
