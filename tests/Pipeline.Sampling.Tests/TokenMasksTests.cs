namespace Pipeline.Sampling.Tests;

public class TokenMasksTests
{
    private const int MaskId = SamplerRun.CodebookSize;

    [Fact]
    public void Generation_MasksEveryPosition()
    {
        Assert.All(TokenMasks.Generation(9, MaskId), t => Assert.Equal(MaskId, t));
    }

    [Theory]
    [InlineData(0.5f, 100, 50)]
    [InlineData(0.125f, 20, 3)]  // 2.5 rounds half away from zero
    [InlineData(0.001f, 64, 1)]  // at least one
    [InlineData(1f, 64, 64)]
    public void MaskVariation_Strength_MasksExactlyRoundedFraction(float strength, int n, int expected)
    {
        var tokens = SamplerRun.Source(n);

        var masked = TokenMasks.MaskVariation(tokens, strength, seed: 7, MaskId);

        Assert.Equal(expected, masked);
        Assert.Equal(expected, tokens.Count(t => t == MaskId));
    }

    [Fact]
    public void MaskVariation_SameSeed_SamePositions_DifferentSeed_DifferentPositions()
    {
        long[] a = SamplerRun.Source(64), b = SamplerRun.Source(64), c = SamplerRun.Source(64);

        TokenMasks.MaskVariation(a, 0.25f, seed: 1, MaskId);
        TokenMasks.MaskVariation(b, 0.25f, seed: 1, MaskId);
        TokenMasks.MaskVariation(c, 0.25f, seed: 2, MaskId);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.1f)]
    [InlineData(1.01f)]
    [InlineData(float.NaN)]
    public void MaskVariation_StrengthOutsideZeroToOne_ThrowsStrengthOutOfRange(float strength)
    {
        var error = Assert.Throws<SamplingParameterException>(
            () => TokenMasks.MaskVariation(SamplerRun.Source(8), strength, 1, MaskId));

        Assert.Equal(ContractErrorCodes.StrengthOutOfRange, error.Code);
        Assert.Contains("strength must be above 0 and at most 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPixelMask_OneSetPixel_MasksOnlyTheTokenOfItsPatch()
    {
        var pixels = new bool[8 * 8];
        pixels[5 * 8 + 2] = true; // row 5, column 2 → token (2, 1) of a 4×4 grid with 2×2 patches

        var tokens = TokenMasks.FromPixelMask(pixels, 8, 8, 4, 4);

        Assert.Equal([2 * 4 + 1], Enumerable.Range(0, 16).Where(i => tokens[i]));
    }

    [Fact]
    public void FromPixelMask_NoPixelSet_MasksNoToken()
    {
        Assert.DoesNotContain(true, TokenMasks.FromPixelMask(new bool[16], 4, 4, 2, 2));
    }

    [Fact]
    public void FromPixelMask_SizeNotAMultiple_BoundaryPixelMasksBothTokensItTouches()
    {
        // 5 pixels onto 2 tokens: token 0 covers pixels 0..2, token 1 covers 2..4; pixel 2 touches both.
        var pixels = new bool[5];
        pixels[2] = true;

        Assert.Equal([true, true], TokenMasks.FromPixelMask(pixels, 1, 5, 1, 2));
    }

    [Fact]
    public void FromPixelMask_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => TokenMasks.FromPixelMask(new bool[10], 4, 4, 2, 2));
    }
}
