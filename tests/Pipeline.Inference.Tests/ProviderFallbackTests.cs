using Microsoft.Extensions.Logging;

namespace Pipeline.Inference.Tests;

public class ProviderFallbackTests
{
    [Fact]
    public void Auto_TwoPacksOnOneRegistry_RunOnCudaWhereItLoadsElseFallBackToCpuAndLogOnce()
    {
        using var a = TinyPack.Copy(m => m["name"] = "tiny-a", "a");
        using var b = TinyPack.Copy(m => m["name"] = "tiny-b", "b", root: Path.GetDirectoryName(a.Directory));
        var logger = new ListLogger<ModelPackRegistry>();
        using var registry = new ModelPackRegistry(
            new ModelPackRegistryOptions { SearchDirectories = [Path.GetDirectoryName(a.Directory)!], Inference = new() { Provider = ExecutionProvider.Auto } },
            logger);

        var providers = new[] { registry.Get("tiny-a").ActiveProvider, registry.Get("tiny-b").ActiveProvider };

        // On a CUDA host both run on CUDA and nothing is logged; on a CPU-only host (CI, these machines) both run
        // on CPU and the fallback is logged exactly once, not once per pack.
        var expected = CudaHost.IsAvailable ? ExecutionProvider.Cuda : ExecutionProvider.Cpu;
        var warnings = logger.Entries.Count(e => e.Level == LogLevel.Warning && e.Message.Contains("CUDA", StringComparison.Ordinal));
        Assert.Equal([expected, expected], providers);
        Assert.Equal(CudaHost.IsAvailable ? 0 : 1, warnings);
    }

    [Fact]
    public void Cpu_NeverTriesCudaAndLogsNothing()
    {
        var logger = new ListLogger<ModelPack>();

        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, new InferenceOptions { Provider = ExecutionProvider.Cpu }, logger);

        Assert.Equal(ExecutionProvider.Cpu, pack.ActiveProvider);
        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void Cuda_RunsOnCudaWhereItLoadsElseFailsWithAClearMessageInsteadOfFallingBack()
    {
        var options = new InferenceOptions { Provider = ExecutionProvider.Cuda };
        var logger = new ListLogger<ModelPack>();

        if (CudaHost.IsAvailable)
        {
            using var pack = ModelPack.Load(TinyPack.FixtureDirectory, options, logger);

            Assert.Equal(ExecutionProvider.Cuda, pack.ActiveProvider);
            Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
        }
        else
        {
            var e = Assert.Throws<ModelPackException>(() => ModelPack.Load(TinyPack.FixtureDirectory, options, logger));

            Assert.Contains("could not create its sessions (provider Cuda)", e.Message, StringComparison.Ordinal);
        }
    }
}
