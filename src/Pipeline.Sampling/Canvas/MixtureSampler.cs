using System.Numerics.Tensors;

namespace Pipeline.Sampling.Canvas;

/// <summary>
/// The two halves of the upstream window mixture (<c>sample_shape</c>): each window's logits become softmax
/// probabilities added into a position's running sum; the sum, normalized, is tempered and sampled.
/// </summary>
internal static class MixtureSampler
{
    /// <summary>Adds softmax(<paramref name="logits"/>) (one position's V logits, untempered) into <paramref name="sum"/>.</summary>
    /// <param name="scratch">V floats owned by the caller; overwritten.</param>
    public static void AddSoftmax(ReadOnlySpan<float> logits, Span<float> sum, Span<float> scratch)
    {
        var max = TensorPrimitives.Max(logits);
        if (!float.IsFinite(max))
        {
            throw new ArgumentException("logits have no finite maximum (NaN or infinity); the denoiser produced unusable output", nameof(logits));
        }

        var weights = scratch[..logits.Length];
        TensorPrimitives.Subtract(logits, max, weights);
        TensorPrimitives.Exp(weights, weights);
        var total = TensorPrimitives.Sum(weights);
        TensorPrimitives.Divide(weights, total, weights);
        TensorPrimitives.Add(sum, weights, sum);
    }

    /// <summary>
    /// Samples from the mixture <paramref name="sum"/> (a sum of probability vectors) with temperature τ the way upstream
    /// does: softmax((ln p + ln V) / τ) with p the normalized mixture, i.e. p^(1/τ) renormalized (ln V cancels).
    /// With top-K only the K largest mixture values keep weight (ties at the K-th all kept, as <see cref="CategoricalSampler"/>).
    /// </summary>
    /// <param name="scratch">V floats owned by the caller; overwritten.</param>
    /// <param name="logProbability">ln p of the drawn index under the tempered (truncated) mixture.</param>
    public static int Sample(ReadOnlySpan<float> sum, float temperature, int? topK, Span<float> scratch, Xoshiro256StarStar random,
        out double logProbability)
    {
        var v = sum.Length;
        var weights = scratch[..v];
        var threshold = CategoricalSampler.TopKThreshold(sum, topK, weights);

        var max = TensorPrimitives.Max(sum);
        if (!(max > 0f) || !float.IsFinite(max))
        {
            throw new ArgumentException("the window mixture holds no probability; no window covered this position", nameof(sum));
        }

        // (p / p_max)^(1/τ) as exp((ln p − ln p_max) / τ): a zero probability stays exactly zero (ln 0 = −∞).
        TensorPrimitives.Divide(sum, max, weights);
        TensorPrimitives.Log(weights, weights);
        TensorPrimitives.Divide(weights, temperature, weights);
        TensorPrimitives.Exp(weights, weights);
        return CategoricalSampler.Draw(weights, sum, threshold, random, out logProbability);
    }
}
