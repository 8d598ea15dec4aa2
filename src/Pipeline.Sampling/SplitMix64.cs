namespace Pipeline.Sampling;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014), the
/// generator Blackman and Vigna recommend for seeding xoshiro. Used here only to expand and combine seeds.
/// </summary>
internal static class SplitMix64
{
    private const ulong Gamma = 0x9E3779B97F4A7C15;

    /// <summary>Advances <paramref name="state"/> by the golden-ratio increment and returns the mixed value.</summary>
    public static ulong Next(ref ulong state)
    {
        state += Gamma;
        return Mix(state);
    }

    /// <summary>The SplitMix64 finaliser: a bijection on 64 bits with full avalanche.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
