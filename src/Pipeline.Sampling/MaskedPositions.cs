namespace Pipeline.Sampling;

/// <summary>
/// The masked positions of a token grid, and which of them a step unmasks for the orders that choose positions before
/// the forward: shared by <see cref="TokenSampler"/> (one model-size grid) and the canvas sampler (a larger grid), so
/// both draw the same way. Positions are written to <c>positions</c> in ascending order; the count is returned.
/// </summary>
internal static class MaskedPositions
{
    /// <summary>
    /// How many of a sampler's initial <paramref name="tokens"/> are MASK (= <paramref name="codebookSize"/>), after
    /// checking that every id is in 0..codebookSize.
    /// </summary>
    /// <exception cref="ArgumentException">An id is out of range (named as <paramref name="paramName"/>).</exception>
    public static int CountChecked(ReadOnlySpan<long> tokens, int codebookSize, string paramName)
    {
        var masked = 0;
        foreach (var id in tokens)
        {
            if (id < 0 || id > codebookSize)
            {
                throw new ArgumentException($"token ids must be in 0..{codebookSize}; got {id}", paramName);
            }

            if (id == codebookSize)
            {
                masked++;
            }
        }

        return masked;
    }

    /// <summary>Every position of <paramref name="tokens"/> holding <paramref name="maskId"/>.</summary>
    public static int Collect(ReadOnlySpan<long> tokens, long maskId, Span<int> positions)
    {
        var count = 0;
        for (var position = 0; position < tokens.Length; position++)
        {
            if (tokens[position] == maskId)
            {
                positions[count++] = position;
            }
        }

        return count;
    }

    /// <summary>docs/architecture.md §1, reference sample(): every masked position flips a coin with P(unmask) = 1/t; at t = 1 all do.</summary>
    public static int Reference(ReadOnlySpan<long> tokens, long maskId, int t, Xoshiro256StarStar random, Span<int> positions)
    {
        var p = UnmaskSchedule.ReferenceProbability(t);
        var count = 0;
        for (var position = 0; position < tokens.Length; position++)
        {
            if (tokens[position] == maskId && random.NextDouble() < p)
            {
                positions[count++] = position;
            }
        }

        return count;
    }

    /// <summary>Exact-K: a uniformly random subset of ceil(remaining / t) masked positions (partial Fisher–Yates).</summary>
    public static int ExactK(ReadOnlySpan<long> tokens, long maskId, int t, Xoshiro256StarStar random, Span<int> positions)
    {
        var masked = Collect(tokens, maskId, positions);
        var count = UnmaskSchedule.ExactKCount(masked, t);
        for (var i = 0; i < count; i++)
        {
            var j = i + random.NextInt(masked - i);
            (positions[i], positions[j]) = (positions[j], positions[i]);
        }

        positions[..count].Sort();
        return count;
    }
}
