namespace Pipeline.Cli.Tests;

/// <summary>The global --precision option: the int8 denoiser of the tiny pack through every command that loads a pack.</summary>
public sealed class PrecisionTests
{
    [Fact]
    public async Task Generate_Int8SameSeedTwice_SameImages()
    {
        var (a, b) = (Cli.TempDirectory(), Cli.TempDirectory());
        string[] args = ["generate", "--count", "3", "--seed", "11", "--steps", "8", "--precision", "int8"];

        Assert.Equal(0, (await Cli.JobAsync(a, args)).ExitCode);
        Assert.Equal(0, (await Cli.JobAsync(b, args)).ExitCode);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Png(a, i), Png(b, i));
        }
    }

    [Fact]
    public async Task Generate_Int8_AJobGivesTheSameImageAloneAndBatchedWithOthers()
    {
        // The int8 graph scales activations per row, so a job's tokens do not depend on who shares its forwards.
        var (alone, batched) = (Cli.TempDirectory(), Cli.TempDirectory());

        Assert.Equal(0, (await Cli.JobAsync(alone, "generate", "--count", "1", "--seed", "23", "--steps", "8", "--precision", "int8")).ExitCode);
        Assert.Equal(0, (await Cli.JobAsync(batched, "generate", "--count", "6", "--seed", "20", "--steps", "8", "--precision", "int8", "--max-batch", "6")).ExitCode);

        Assert.Equal(Png(alone, 0), Png(batched, 3));
    }

    [Fact]
    public async Task Generate_Int8AndFp32_BothRunTheSameJobs()
    {
        var (fp32, int8) = (Cli.TempDirectory(), Cli.TempDirectory());

        var a = await Cli.JobAsync(fp32, "generate", "--count", "2", "--seed", "5", "--steps", "8", "--precision", "fp32");
        var b = await Cli.JobAsync(int8, "generate", "--count", "2", "--seed", "5", "--steps", "8", "--precision", "int8");

        Assert.True(a.ExitCode == 0, a.ToString());
        Assert.True(b.ExitCode == 0, b.ToString());
        Assert.Equal(Cli.ReadJson(Path.Combine(fp32, "generation-001.json")).GetProperty("seed").GetInt64(),
            Cli.ReadJson(Path.Combine(int8, "generation-001.json")).GetProperty("seed").GetInt64());
    }

    [Fact]
    public async Task Precision_UnknownValue_IsAUsageError()
    {
        var run = await Cli.JobAsync(Cli.TempDirectory(), "generate", "--precision", "bf16");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("--precision must be fp32, int8 or fp16; got 'bf16'", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("cpu")]
    public async Task Fp16_WithoutProviderCuda_IsAUsageErrorNamingTheFix(string provider)
    {
        var run = await Cli.RunAsync("generate", "--precision", "fp16", "--provider", provider, "--models", Cli.Fixtures, "--model", "tiny-test", "--out", Cli.TempDirectory());

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains($"--precision fp16 needs --provider cuda (got --provider {provider})", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fp16_PackVerifyOnCpu_IsAUsageErrorToo()
    {
        var run = await Cli.RunAsync("pack", "verify", "tiny-test", "--models", Cli.Fixtures, "--provider", "cpu", "--precision", "fp16");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("--precision fp16 needs --provider cuda", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchProviderCuda_WithoutCuda_FailsAtOnceSayingWhereToRunIt()
    {
        // Without a GPU (and the CUDA libraries), as on CI, the bench must stop before measuring anything; where CUDA
        // starts, it runs every table there.
        var run = await Cli.RunAsync("bench", "--quick", "--models", Cli.Fixtures, "--model", "tiny-test", "--provider", "cuda", "--no-reference");
        if (run.ExitCode == ExitCodes.Ok)
        {
            Assert.Contains("provider Cuda", run.Out, StringComparison.Ordinal);
            return;
        }

        Assert.Equal(ExitCodes.JobFailures, run.ExitCode);
        Assert.Contains("pipeline bench --provider cuda: the CUDA execution provider did not start on this machine", run.Error, StringComparison.Ordinal);
        Assert.Contains("deploy/Dockerfile.worker-gpu", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Raw denoiser forward", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Int8_OnAPackWithoutTheInt8Graph_FailsNamingTheFix()
    {
        var pack = CopyTinyPackWithoutInt8();

        var run = await Cli.RunAsync("pack", "verify", pack, "--provider", "cpu", "--precision", "int8");

        Assert.Equal(ExitCodes.JobFailures, run.ExitCode);
        Assert.Contains("has no int8 denoiser", run.Error, StringComparison.Ordinal);
        Assert.Contains("pipeline_training.quantize --pack", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PackVerify_ReportsTheInt8GraphAtEitherPrecision()
    {
        foreach (var precision in new[] { "fp32", "int8" })
        {
            var run = await Cli.RunAsync("pack", "verify", "tiny-test", "--models", Cli.Fixtures, "--provider", "cpu", "--precision", precision);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Contains("PASS", run.Out, StringComparison.Ordinal);
            Assert.Contains("denoiser int8 (denoiser.int8.onnx) vs float32 golden", run.Out, StringComparison.Ordinal);
            Assert.Contains("top-1 agreement", run.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task PackList_ShowsWhichDenoisersAPackHas()
    {
        var run = await Cli.RunAsync("pack", "list", "--models", Cli.Fixtures);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("fp32, int8", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchQuick_PackWithInt8_MeasuresBothDenoisersSideBySide()
    {
        var run = await Cli.RunAsync("bench", "--quick", "--models", Cli.Fixtures, "--model", "tiny-test", "--provider", "cpu");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Raw denoiser forward, fp32 and int8", run.Out, StringComparison.Ordinal);
        Assert.Contains("vs fp32", run.Out, StringComparison.Ordinal);
        Assert.Contains("both sides in the reference 1/t unmask order", run.Out, StringComparison.Ordinal);
        Assert.Contains("pipeline fp32, sampling only", run.Out, StringComparison.Ordinal);
        Assert.Contains("pipeline int8, sampling only", run.Out, StringComparison.Ordinal);
        Assert.Contains("Python reference", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Root_NamesThePrecisionOption()
    {
        var run = await Cli.RunAsync("--help");

        Assert.Contains("--precision", run.Out, StringComparison.Ordinal);
        Assert.Contains("fp32|int8", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void ParsePrecision_TakesFp32Float32AndInt8InAnyCase()
    {
        Assert.Equal(Inference.DenoiserPrecision.Int8, GlobalOptions.ParsePrecision("INT8"));
        Assert.Equal(Inference.DenoiserPrecision.Float32, GlobalOptions.ParsePrecision("float32"));
        Assert.Equal(Inference.DenoiserPrecision.Float16, GlobalOptions.ParsePrecision("FP16"));
        Assert.Equal(Inference.DenoiserPrecision.Float16, GlobalOptions.ParsePrecision("float16"));
        Assert.Null(GlobalOptions.ParsePrecision("bf16"));
        Assert.Equal("fp16", GlobalOptions.Name(Inference.DenoiserPrecision.Float16));
        Assert.Null(GlobalOptions.PrecisionProviderError(Inference.DenoiserPrecision.Float16, Inference.ExecutionProvider.Cuda));
        Assert.Null(GlobalOptions.PrecisionProviderError(Inference.DenoiserPrecision.Int8, Inference.ExecutionProvider.Cpu));
    }

    private static byte[] Png(string directory, int index) => File.ReadAllBytes(Path.Combine(directory, $"generation-{index:D3}.png"));

    private static string CopyTinyPackWithoutInt8()
    {
        var target = Path.Combine(Cli.TempDirectory(), "no-int8");
        foreach (var file in Directory.EnumerateFiles(Cli.TinyPack, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Cli.TinyPack, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        var path = Path.Combine(target, "manifest.json");
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        manifest["graphs"]!.AsObject().Remove("denoiserInt8");
        File.WriteAllText(path, manifest.ToJsonString());
        File.Delete(Path.Combine(target, "denoiser.int8.onnx"));
        return target;
    }
}
