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
            CudaDeviceId = 2,
            IntraOpThreads = 3,
            InterOpThreads = 4,
            DenoiserPrecision = DenoiserPrecision.Int8,
            AllowSpinning = true,
            DefaultPack = "tiny-test",
            SearchDirectories = ["packs"],
        };

        var registry = options.ToRegistryOptions();

        Assert.Equal("tiny-test", registry.DefaultPackName);
        Assert.Equal([Path.GetFullPath("packs")], registry.SearchDirectories);
        Assert.Equal(
            new InferenceOptions
            {
                Provider = ExecutionProvider.Cpu,
                CudaDeviceId = 2,
                IntraOpThreads = 3,
                InterOpThreads = 4,
                DenoiserPrecision = DenoiserPrecision.Int8,
                AllowSpinning = true,
            },
            registry.Inference);
    }

    [Fact]
    public void ToRegistryOptions_NonDefaultSettings_LeaveNoInferenceSettingAtItsDefault()
    {
        // A setting that ModelOptions forgets to carry keeps InferenceOptions' default and would pass an equality
        // check written with the same omission; this names every InferenceOptions property, including new ones.
        var options = new ModelOptions
        {
            Provider = ExecutionProvider.Cpu,
            CudaDeviceId = 2,
            IntraOpThreads = 3,
            InterOpThreads = 4,
            DenoiserSessions = 2,
            DenoiserPrecision = DenoiserPrecision.Int8,
            AllowSpinning = true, // not the default (false in the worker and in InferenceOptions)
            DecoderIntraOpThreads = 2,
            DecoderAllowSpinning = true,
            CpuIoBinding = true,
        };
        var defaults = new InferenceOptions();

        var carried = options.ToRegistryOptions().Inference;

        var atDefault = typeof(InferenceOptions).GetProperties()
            .Where(p => Equals(p.GetValue(carried), p.GetValue(defaults)))
            .Select(p => p.Name);
        Assert.Empty(atDefault);
    }
}

public class WorkerOptionsTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(4, 5)]
    [InlineData(16, 20)]
    public void InFlight_DefaultsToCapacityPlusAQuarter(int capacity, int expected)
    {
        var options = new WorkerOptions { Capacity = capacity };

        Assert.Equal((expected, expected), (options.EffectivePrefetch, options.EffectiveConcurrency));
    }

    [Fact]
    public void InFlight_ExplicitSettingsWin()
    {
        var options = new WorkerOptions { Capacity = 16, PrefetchCount = 16, ConcurrentMessageLimit = 8 };

        Assert.Equal((16, 8), (options.EffectivePrefetch, options.EffectiveConcurrency));
    }
}
