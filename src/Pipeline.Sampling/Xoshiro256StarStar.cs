namespace Pipeline.Sampling;

/// <summary>
/// xoshiro256** 1.0 (Blackman &amp; Vigna, "Scrambled linear pseudorandom number generators", 2018),
/// written out here because System.Random's algorithm is not guaranteed stable across .NET versions: the same
/// seed must give the same tokens on every platform and runtime. Not thread-safe; one instance per job.
/// </summary>
public sealed class Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator for one (seed, step, stream) triple; see <see cref="Reseed(ulong, long, ulong)"/>.</summary>
    public Xoshiro256StarStar(ulong seed, long step = 0, ulong stream = 0) => Reseed(seed, step, stream);

    /// <summary>Starts from a raw state (tests against the published vector).</summary>
    internal Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3) => (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);

    /// <summary>
    /// Restarts the generator for (seed, step, stream) without allocating. The three are combined through the
    /// SplitMix64 finaliser and the result is expanded into the 256-bit state with SplitMix64, as the xoshiro
    /// authors recommend; SplitMix64 never yields four zero words, so the all-zero state cannot occur.
    /// </summary>
    public void Reseed(ulong seed, long step, ulong stream)
    {
        var state = SplitMix64.Mix(seed ^ SplitMix64.Mix(unchecked((ulong)step) ^ SplitMix64.Mix(stream)));
        _s0 = SplitMix64.Next(ref state);
        _s1 = SplitMix64.Next(ref state);
        _s2 = SplitMix64.Next(ref state);
        _s3 = SplitMix64.Next(ref state);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1): the top 53 bits scaled by 2^-53, exact in a double.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// Uniform integer in [0, <paramref name="maxExclusive"/>) without modulo bias (Lemire, "Fast random integer
    /// generation in an interval", 2019: multiply-shift, rejecting the short low zone).
    /// </summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        var range = (ulong)maxExclusive;
        var product = Math.BigMul(NextUInt64(), range, out var low);
        if (low < range)
        {
            var threshold = (0 - range) % range;
            while (low < threshold)
            {
                product = Math.BigMul(NextUInt64(), range, out low);
            }
        }

        return (int)product;
    }

    /// <summary>A standard Gumbel sample, -ln(-ln U) with U in (0, 1).</summary>
    public double NextGumbel()
    {
        // 1 - NextDouble() is in (0, 1], so the inner log is finite; clamp U away from 1 so the outer one is too.
        var u = Math.Min(1.0 - NextDouble(), Math.BitDecrement(1.0));
        return -Math.Log(-Math.Log(u));
    }
}
