using Pipeline.Imaging;

namespace Pipeline.Cli.Tests;

public sealed class JobCommandTests
{
    [Fact]
    public async Task Generate_TinyPack_WritesValidPngAndMetadataPerImage()
    {
        var dir = Cli.TempDirectory();
        var run = await Cli.JobAsync(dir, "generate", "--count", "3", "--seed", "40", "--steps", "4");

        Assert.True(run.ExitCode == 0, run.ToString());
        for (var i = 0; i < 3; i++)
        {
            var image = ImageReader.Read(File.ReadAllBytes(Path.Combine(dir, $"generation-{i:D3}.png")));
            Assert.Equal((16, 16), (image.Width, image.Height));
            var metadata = Cli.ReadJson(Path.Combine(dir, $"generation-{i:D3}.json"));
            Assert.Equal("tiny-test", metadata.GetProperty("modelPack").GetString());
            Assert.Equal("generation", metadata.GetProperty("kind").GetString());
            Assert.Equal(40 + i, metadata.GetProperty("seed").GetInt64());
            Assert.Equal(4, metadata.GetProperty("stepsUsed").GetInt32());
            Assert.Equal(64, metadata.GetProperty("maskedTokens").GetInt32());
        }

        Assert.True(File.Exists(Path.Combine(dir, "contact-sheet.png")));
        Assert.Contains("3 of 3 images written", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_SameSeedTwice_SameImages()
    {
        var (a, b) = (Cli.TempDirectory(), Cli.TempDirectory());
        string[] args = ["generate", "--count", "2", "--seed", "7", "--order", "confidence", "--temperature", "0.8", "--top-k", "8"];

        Assert.Equal(0, (await Cli.JobAsync(a, args)).ExitCode);
        Assert.Equal(0, (await Cli.JobAsync(b, args)).ExitCode);

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, $"generation-{i:D3}.png")), File.ReadAllBytes(Path.Combine(b, $"generation-{i:D3}.png")));
        }

        var metadata = Cli.ReadJson(Path.Combine(a, "generation-000.json"));
        Assert.Equal("confidence", metadata.GetProperty("order").GetString());
        Assert.Equal(8, metadata.GetProperty("topK").GetInt32());
    }

    [Fact]
    public async Task Vary_LargerSource_FitsItRecordsStrengthAndAnswersAtTheSourceSize()
    {
        var dir = Cli.TempDirectory();
        var source = Cli.WritePng(dir, "source.png", 32, 24);
        var outDir = Path.Combine(dir, "out");

        var run = await Cli.JobAsync(outDir, "vary", source, "--count", "2", "--strength", "0.25", "--seed", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        var metadata = Cli.ReadJson(Path.Combine(outDir, "variation-001.json"));
        Assert.Equal("variation", metadata.GetProperty("kind").GetString());
        Assert.Equal(0.25, metadata.GetProperty("strength").GetDouble(), 3);
        Assert.Equal(16, metadata.GetProperty("maskedTokens").GetInt32());
        Assert.Contains("center-crop", metadata.GetProperty("sourceFit").GetString(), StringComparison.Ordinal);
        // Results come back at the source's size, not the model's (16×16).
        var variation = ImageReader.Read(File.ReadAllBytes(Path.Combine(outDir, "variation-000.png")));
        Assert.Equal((32, 24), (variation.Width, variation.Height));
        Assert.Equal(32, metadata.GetProperty("imageWidth").GetInt32());
    }

    [Fact]
    public async Task Inpaint_Rectangle_KeepsPixelsAwayFromTheMask()
    {
        var dir = Cli.TempDirectory();
        var source = Cli.WritePng(dir, "source.png", 16, 16);
        var outDir = Path.Combine(dir, "out");

        var run = await Cli.JobAsync(outDir, "inpaint", source, "--rect", "0,0,4,4", "--feather", "1", "--seed", "3");

        Assert.True(run.ExitCode == 0, run.ToString());
        var original = ImageReader.Read(File.ReadAllBytes(source));
        var result = ImageReader.Read(File.ReadAllBytes(Path.Combine(outDir, "inpainting-000.png")));
        // Bottom-right quarter: far beyond the masked token patches plus the feather band.
        for (var y = 10; y < 16; y++)
        {
            for (var x = 10; x < 16; x++)
            {
                var i = ((y * 16) + x) * 3;
                Assert.Equal(original.Rgb.AsSpan(i, 3).ToArray(), result.Rgb.AsSpan(i, 3).ToArray());
            }
        }

        Assert.Equal(4, Cli.ReadJson(Path.Combine(outDir, "inpainting-000.json")).GetProperty("maskedTokens").GetInt32());
    }

    [Fact]
    public async Task Inpaint_MaskImage_RegeneratesTheWhiteRegion()
    {
        var dir = Cli.TempDirectory();
        var source = Cli.WritePng(dir, "source.png", 16, 16);
        var mask = Cli.WritePng(dir, "mask.png", 16, 16, (x, y) => x >= 8 && y >= 8);
        var outDir = Path.Combine(dir, "out");

        var run = await Cli.JobAsync(outDir, "inpaint", source, "--mask", mask, "--count", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(16, Cli.ReadJson(Path.Combine(outDir, "inpainting-001.json")).GetProperty("maskedTokens").GetInt32());
    }

    [Fact]
    public async Task Demo_TinyPack_WritesEveryKindSheetsAndSummary()
    {
        var dir = Cli.TempDirectory();

        var run = await Cli.RunAsync("demo", "--models", Cli.Fixtures, "--model", "tiny-test", "--provider", "cpu", "--out", dir,
            "--generations", "4", "--sources", "2", "--steps", "4");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(4, Directory.GetFiles(Path.Combine(dir, "generation"), "*.png").Length);
        Assert.Equal(6, Directory.GetFiles(Path.Combine(dir, "variation"), "*.png").Length);
        Assert.Equal(6, Directory.GetFiles(Path.Combine(dir, "inpainting"), "*.png").Length);
        Assert.Equal(6, Directory.GetFiles(Path.Combine(dir, "inpainting"), "*.json").Length);
        Assert.True(File.Exists(Path.Combine(dir, "generations.png")));
        Assert.True(File.Exists(Path.Combine(dir, "edits.png")));
        Assert.Equal(4, Directory.GetFiles(Path.Combine(dir, "canvas"), "*.png").Length); // two wide, an outpaint, a stitch
        Assert.True(File.Exists(Path.Combine(dir, "canvas.png")));
        var summary = Cli.ReadJson(Path.Combine(dir, "summary.json"));
        Assert.Equal("tiny-test", summary.GetProperty("pack").GetString());
        Assert.Equal(20, summary.GetProperty("files").GetArrayLength());
        Assert.Equal(0, summary.GetProperty("failures").GetInt32());
    }
}
