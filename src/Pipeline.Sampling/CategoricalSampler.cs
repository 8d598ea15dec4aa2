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
    /// <param name="scratch">V floats owned by the caller; overwritten.</param>
    /// <param name="logProbability">ln p of the drawn index under the (truncated, tempered) distribution.</param>
    public static int Sample(ReadOnlySpan<float> logits, float temperature, int? topK, Span<float> scratch,
        Xoshiro256StarStar random, out double logProbability)
    {
        var v = logits.Length;
        var threshold = float.NegativeInfinity;
        if (topK is { } k && k < v)
        {
            logits.CopyTo(scratch);
            scratch[..v].Sort();
            threshold = scratch[v - k];
        }

        var max = float.NegativeInfinity;
        foreach (var l in logits)
        {
            if (l >= threshold && l > max)
            {
                max = l;
            }
        }

        if (!float.IsFinite(max))
        {
            throw new ArgumentException("logits have no finite maximum; the denoiser produced unusable output", nameof(logits));
        }

        var sum = 0.0;
        for (var i = 0; i < v; i++)
        {
            var w = logits[i] >= threshold ? (float)Math.Exp((logits[i] - (double)max) / temperature) : 0f;
            scratch[i] = w;
            sum += w;
        }

        var target = random.NextDouble() * sum;
        var cumulative = 0.0;
        var chosen = -1;
        for (var i = 0; i < v; i++)
        {
            if (scratch[i] <= 0f)
            {
                continue;
            }

            chosen = i;
            cumulative += scratch[i];
            if (target < cumulative)
            {
                break;
            }
        }

        // chosen is the last positive weight when rounding put target at the very top of the CDF.
        logProbability = Math.Log(scratch[chosen] / sum);
        return chosen;
    }
}
