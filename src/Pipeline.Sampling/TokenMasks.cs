using Pipeline.Contracts;

namespace Pipeline.Sampling;

/// <summary>The starting rows of the three job kinds (docs/architecture.md §1): which tokens are MASK before sampling.</summary>
public static class TokenMasks
{
    /// <summary>Generation: every one of the N positions masked.</summary>
    public static long[] Generation(int sequenceLength, int maskId)
    {
        var tokens = new long[sequenceLength];
        tokens.AsSpan().Fill(maskId);
        return tokens;
    }

    /// <summary>Throws <see cref="SamplingParameterException"/> unless 0 &lt; strength ≤ 1.</summary>
    public static void ValidateStrength(float strength) => SamplingParameterException.ThrowIf(JobParameterRules.Strength(strength));

    /// <summary>
    /// Variation: re-masks exactly max(1, round(strength · N)) positions (half away from zero) of the encoded
    /// source, chosen uniformly from the job's seed. Returns how many were masked.
    /// </summary>
    public static int MaskVariation(Span<long> tokens, float strength, long seed, int maskId)
    {
        ValidateStrength(strength);
        var n = tokens.Length;
        var count = Math.Clamp((int)Math.Round(strength * (double)n, MidpointRounding.AwayFromZero), 1, n);
        var random = new Xoshiro256StarStar(unchecked((ulong)seed), 0, (ulong)RandomStream.VariationMask);
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        // Partial Fisher–Yates: the first `count` entries become a uniform random subset.
        for (var i = 0; i < count; i++)
        {
            var j = i + random.NextInt(n - i);
            (order[i], order[j]) = (order[j], order[i]);
            tokens[order[i]] = maskId;
        }

        return count;
    }

    /// <summary>
    /// Inpainting: max-pools a pixel mask (row-major height × width, true = regenerate) onto the latent grid.
    /// Token (r, c) covers pixel rows floor(r·H/h) … ceil((r+1)·H/h) − 1 (likewise columns), so when H is not a
    /// multiple of h a boundary pixel counts for both tokens it touches: a token is masked if any pixel of its
    /// patch is set, never fewer.
    /// </summary>
    public static bool[] FromPixelMask(ReadOnlySpan<bool> pixelMask, int height, int width, int latentHeight, int latentWidth)
    {
        if (pixelMask.Length != height * width)
        {
            throw new ArgumentException($"pixel mask holds {pixelMask.Length} values; expected {height}×{width}", nameof(pixelMask));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(latentHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(latentWidth, 1);
        var tokens = new bool[latentHeight * latentWidth];
        for (var r = 0; r < latentHeight; r++)
        {
            var y0 = r * height / latentHeight;
            var y1 = ((r + 1) * height + latentHeight - 1) / latentHeight;
            for (var c = 0; c < latentWidth; c++)
            {
                var x0 = c * width / latentWidth;
                var x1 = ((c + 1) * width + latentWidth - 1) / latentWidth;
                tokens[r * latentWidth + c] = AnySet(pixelMask, width, y0, y1, x0, x1);
            }
        }

        return tokens;
    }

    /// <summary>Sets MASK wherever <paramref name="tokenMask"/> is true; returns how many positions that is.</summary>
    public static int Apply(Span<long> tokens, ReadOnlySpan<bool> tokenMask, int maskId)
    {
        if (tokenMask.Length != tokens.Length)
        {
            throw new ArgumentException($"token mask holds {tokenMask.Length} values; expected {tokens.Length}", nameof(tokenMask));
        }

        var count = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (tokenMask[i])
            {
                tokens[i] = maskId;
                count++;
            }
        }

        return count;
    }

    private static bool AnySet(ReadOnlySpan<bool> pixelMask, int width, int y0, int y1, int x0, int x1)
    {
        for (var y = y0; y < y1; y++)
        {
            if (pixelMask.Slice(y * width + x0, x1 - x0).Contains(true))
            {
                return true;
            }
        }

        return false;
    }
}
