using Pipeline.Inference;
using Pipeline.Worker.Hosting;

namespace Pipeline.Worker.Tests;

public class ModelOptionsTests
{
    [Fact]
    public void ToRegistryOptions_Defaults_TurnThreadPoolSpinningOff()
    {
        var inference = new ModelOptions().ToRegistryOptions().Inference;

        Assert.False(inference.AllowSpinning);
        Assert.Equal(DenoiserPrecision.Float32, inference.DenoiserPrecision);
    }

    [Fact]
    public void ToRegistryOptions_CarriesEveryInferenceSetting()
    {
        var options = new ModelOptions
        {
            Provider = ExecutionProvider.Cpu,
            IntraOpThreads = 3,
            DenoiserPrecision = DenoiserPrecision.Int8,
            AllowSpinning = true,
            DefaultPack = "tiny-test",
        };

        var registry = options.ToRegistryOptions();

        Assert.Equal("tiny-test", registry.DefaultPackName);
        Assert.Equal(
            new InferenceOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = 3, DenoiserPrecision = DenoiserPrecision.Int8, AllowSpinning = true },
            registry.Inference);
    }
}
