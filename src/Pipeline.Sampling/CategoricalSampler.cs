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
        var threshold = float.NegativeInfinity;
        if (topK is { } k && k < v)
        {
            logits.CopyTo(weights);
            weights.Sort();
            threshold = weights[v - k];
        }

        // NaN anywhere makes the max NaN: such logits are unusable, whatever else they hold.
        var max = TensorPrimitives.Max(logits);
        if (!float.IsFinite(max))
        {
            throw new ArgumentException("logits have no finite maximum (NaN or infinity); the denoiser produced unusable output", nameof(logits));
        }

        TensorPrimitives.Subtract(logits, max, weights);
        TensorPrimitives.Divide(weights, temperature, weights); // not × 1/τ: for a tiny τ that is ∞, and 0 × ∞ is NaN
        TensorPrimitives.Exp(weights, weights);
        if (float.IsFinite(threshold))
        {
            for (var i = 0; i < v; i++)
            {
                if (logits[i] < threshold)
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
