using Pipeline.Contracts;
using Pipeline.Imaging;

namespace Pipeline.Cli.Tests;

/// <summary>Bad input exits 2 with a message on stderr that says what is wrong; nothing is retried or half-written.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Vary_ZeroByteImage_Exit2ImageEmpty()
    {
        var dir = Cli.TempDirectory();
        var empty = Path.Combine(dir, "empty.png");
        await File.WriteAllBytesAsync(empty, []);

        var run = await Cli.JobAsync(Path.Combine(dir, "out"), "vary", empty);

        AssertBadInput(run, "image_empty");
        Assert.Contains("empty", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vary_TruncatedPng_Exit2Truncated()
    {
        var dir = Cli.TempDirectory();
        var whole = File.ReadAllBytes(Cli.WritePng(dir, "whole.png", 16, 16));
        var truncated = Path.Combine(dir, "truncated.png");
        await File.WriteAllBytesAsync(truncated, whole[..(whole.Length / 2)]);

        AssertBadInput(await Cli.JobAsync(Path.Combine(dir, "out"), "vary", truncated), "image_truncated");
    }

    [Fact]
    public async Task Inpaint_HeaderClaiming20000Squared_Exit2TooLarge()
    {
        var dir = Cli.TempDirectory();
        var huge = Path.Combine(dir, "huge.png");
        await File.WriteAllBytesAsync(huge, CraftedPng.HeaderWithEmptyImageData(20000, 20000));

        var run = await Cli.JobAsync(Path.Combine(dir, "out"), "inpaint", huge, "--rect", "0,0,4,4");

        AssertBadInput(run, "image_too_large");
        Assert.Contains("20000", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inpaint_MaskOfWrongSize_Exit2MaskSizeMismatch()
    {
        var dir = Cli.TempDirectory();
        var source = Cli.WritePng(dir, "source.png", 24, 24);
        var mask = Cli.WritePng(dir, "mask.png", 5, 7, (_, _) => true);

        var run = await Cli.JobAsync(Path.Combine(dir, "out"), "inpaint", source, "--mask", mask);

        AssertBadInput(run, "mask_size_mismatch");
        Assert.Contains("24×24", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("65")]
    public async Task Generate_StepsOutOfRange_Exit2(string steps)
    {
        var run = await Cli.JobAsync(Cli.TempDirectory(), "generate", "--steps", steps);

        AssertBadInput(run, "steps_out_of_range");
        Assert.Contains("64", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-0.5")]
    [InlineData("1.5")]
    public async Task Vary_StrengthOutsideZeroOne_Exit2(string strength)
    {
        var dir = Cli.TempDirectory();
        var source = Cli.WritePng(dir, "source.png", 16, 16);

        AssertBadInput(await Cli.JobAsync(Path.Combine(dir, "out"), "vary", source, "--strength", strength), "strength_out_of_range");
    }

    [Fact]
    public async Task Generate_NaNTemperature_Exit2()
    {
        AssertBadInput(await Cli.JobAsync(Cli.TempDirectory(), "generate", "--temperature", "NaN"), "invalid_temperature");
    }

    [Fact]
    public async Task Generate_UnknownModel_Exit2ListsAvailablePacks()
    {
        var run = await Cli.RunAsync("generate", "--models", Cli.Fixtures, "--model", "no-such-pack", "--provider", "cpu", "--out", Cli.TempDirectory());

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("no-such-pack", run.Error, StringComparison.Ordinal);
        Assert.Contains("available: tiny-test", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Vary_MissingFile_Exit2NamesIt()
    {
        var run = await Cli.JobAsync(Cli.TempDirectory(), "vary", "/nonexistent/cat.png");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("/nonexistent/cat.png", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("generate", "--no-such-option")]
    [InlineData("generate", "--order", "sideways")]
    [InlineData("generate", "--count", "0")]
    [InlineData("inpaint", "x.png")]
    [InlineData("inpaint", "x.png", "--rect", "1,2,3")]
    [InlineData("frobnicate")]
    public async Task Usage_Errors_Exit2WithHint(params string[] args)
    {
        var run = await Cli.RunAsync(args);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("error:", run.Error, StringComparison.Ordinal);
        Assert.Contains("--help", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("31x32", "canvas_size_invalid")]
    [InlineData("64x8", "canvas_size_invalid")]
    [InlineData("512x512", "canvas_too_large")]
    public async Task Generate_BadCanvasSize_Exit2(string size, string code) =>
        AssertBadInput(await Cli.JobAsync(Cli.TempDirectory(), "generate", "--size", size), code);

    [Fact]
    public async Task Generate_SizeNotWxH_Exit2Usage()
    {
        var run = await Cli.JobAsync(Cli.TempDirectory(), "generate", "--size", "wide");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("WIDTHxHEIGHT", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outpaint_ExtendTooLarge_Exit2()
    {
        var dir = Cli.TempDirectory();
        var source = Cli.WritePng(dir, "source.png", 32, 32);

        AssertBadInput(await Cli.JobAsync(Path.Combine(dir, "out"), "outpaint", source, "--extend", "left=512"), "canvas_too_large");
    }

    private static void AssertBadInput(CliRun run, string code)
    {
        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains($"[{code}]", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void CraftedHeader_IsReallyRejectedBeforeDecoding()
    {
        var e = Assert.Throws<ImageInputException>(() => ImageReader.Read(CraftedPng.HeaderWithEmptyImageData(20000, 20000)));
        Assert.Equal(ContractErrorCodes.ImageTooLarge, e.Code);
    }
}
