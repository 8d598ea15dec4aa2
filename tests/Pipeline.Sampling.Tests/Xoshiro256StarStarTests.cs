namespace Pipeline.Sampling.Tests;

public class Xoshiro256StarStarTests
{
    [Fact]
    public void NextUInt64_FromState1234_MatchesThePublishedReferenceVector()
    {
        // Reference outputs of xoshiro256starstar.c from state {1, 2, 3, 4} (also rand_xoshiro's test vector).
        var random = new Xoshiro256StarStar(1, 2, 3, 4);
        ulong[] expected = [11520, 0, 1509978240, 1215971899390074240, 1216172134540287360, 607988272756665600,
            16172922978634559625, 8476171486693032832, 10595114339597558777, 2904607092377533576];

        Assert.Equal(expected, expected.Select(_ => random.NextUInt64()));
    }

    [Fact]
    public void SplitMix64_FromZero_MatchesThePublishedFirstOutputs()
    {
        var state = 0UL;

        Assert.Equal(0xE220A8397B1DCDAFUL, SplitMix64.Next(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, SplitMix64.Next(ref state));
        Assert.Equal(0x06C45D188009454FUL, SplitMix64.Next(ref state));
        Assert.Equal(0xF88BB8A8724C81ECUL, SplitMix64.Next(ref state));
    }

    [Fact]
    public void Reseed_SameTriple_RestartsTheSameSequence_OtherStepOrStreamDiffers()
    {
        var random = new Xoshiro256StarStar(42, 3, 1);
        var first = Enumerable.Range(0, 4).Select(_ => random.NextUInt64()).ToArray();

        random.Reseed(42, 3, 1);
        Assert.Equal(first, Enumerable.Range(0, 4).Select(_ => random.NextUInt64()));
        random.Reseed(42, 4, 1);
        Assert.NotEqual(first[0], random.NextUInt64());
        random.Reseed(42, 3, 2);
        Assert.NotEqual(first[0], random.NextUInt64());
    }

    [Fact]
    public void NextInt_SmallRange_StaysInRangeAndHitsEveryValue()
    {
        var random = new Xoshiro256StarStar(7);
        var counts = new int[5];
        for (var i = 0; i < 5000; i++)
        {
            counts[random.NextInt(5)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 850, 1150));
    }

    [Fact]
    public void NextDouble_StaysInUnitInterval()
    {
        var random = new Xoshiro256StarStar(9);

        Assert.All(Enumerable.Range(0, 1000).Select(_ => random.NextDouble()), d => Assert.InRange(d, 0.0, 0.9999999999999999));
    }
}
