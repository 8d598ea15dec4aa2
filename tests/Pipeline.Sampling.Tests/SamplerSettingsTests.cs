namespace Pipeline.Sampling.Tests;

public class SamplerSettingsTests
{
    public static TheoryData<SamplerSettings, string, string> InvalidSettings() => new()
    {
        { new SamplerSettings { Steps = 0 }, ContractErrorCodes.StepsOutOfRange, "steps must be at least 1; got 0" },
        { new SamplerSettings { Steps = -3 }, ContractErrorCodes.StepsOutOfRange, "got -3" },
        { new SamplerSettings { Steps = 4, Temperature = float.NaN }, ContractErrorCodes.InvalidTemperature, "got NaN" },
        { new SamplerSettings { Steps = 4, Temperature = 0f }, ContractErrorCodes.InvalidTemperature, "above 0; got 0" },
        { new SamplerSettings { Steps = 4, Temperature = -1f }, ContractErrorCodes.InvalidTemperature, "got -1" },
        { new SamplerSettings { Steps = 4, Temperature = float.PositiveInfinity }, ContractErrorCodes.InvalidTemperature, "finite" },
        { new SamplerSettings { Steps = 4, TopK = 0 }, ContractErrorCodes.TopKOutOfRange, "between 1 and the codebook size 16; got 0" },
        { new SamplerSettings { Steps = 4, TopK = 17 }, ContractErrorCodes.TopKOutOfRange, "got 17" },
        { new SamplerSettings { Steps = 4, Confidence = new ConfidenceSchedule { Noise = -0.5 } }, ContractErrorCodes.InvalidConfidenceNoise, "got -0.5" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Constructor_ParameterOutOfRange_ThrowsWithStableCodeAndActionableMessage(SamplerSettings settings, string code, string message)
    {
        var error = Assert.Throws<SamplingParameterException>(
            () => new TokenSampler(settings, SamplerRun.CodebookSize, SamplerRun.Masked(4), 1));

        Assert.Equal(code, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void Validate_TopKAtTheEdges_IsAccepted(int topK)
    {
        var settings = new SamplerSettings { Steps = 1, TopK = topK };

        var error = Record.Exception(() => settings.Validate(SamplerRun.CodebookSize));

        Assert.Null(error);
    }

    [Fact]
    public void Constructor_TokenAboveMaskId_Throws()
    {
        Assert.Throws<ArgumentException>(
            () => new TokenSampler(new SamplerSettings { Steps = 1 }, SamplerRun.CodebookSize, [0, 17], 1));
    }
}
