using Pipeline.Imaging;

namespace Pipeline.Cli.Tests;

/// <summary>
/// The canvas commands end to end on the tiny test pack (16×16 images, 2-pixel tokens, fixed graphs: the tiled canvas
/// codec): sizes come out as asked, and every source pixel outside the feathered band is the source's own byte.
/// </summary>
public sealed class CanvasCommandTests
{
    [Fact]
    public async Task Generate_Size_WritesACanvasOfThatSize()
    {
        var dir = Cli.TempDirectory();
        var run = await Cli.JobAsync(dir, "generate", "--size", "48x16", "--steps", "4", "--order", "exact-k", "--seed", "3");

        Assert.True(run.ExitCode == 0, run.ToString());
        var image = ImageReader.Read(File.ReadAllBytes(Path.Combine(dir, "generation-000.png")));
        Assert.Equal((48, 16), (image.Width, image.Height));
        var metadata = Cli.ReadJson(Path.Combine(dir, "generation-000.json"));
        Assert.Equal(48, metadata.GetProperty("imageWidth").GetInt32());
        Assert.Equal(5, metadata.GetProperty("canvasWindows").GetInt32()); // 24 token columns, windows of 8 every 4
    }

    [Fact]
    public async Task Outpaint_SourcePixelsBeyondTheFeatherAreExact()
    {
        var dir = Cli.TempDirectory();
        var sourcePath = Cli.WritePng(dir, "source.png", 16, 16);
        var run = await Cli.JobAsync(Path.Combine(dir, "out"), "outpaint", sourcePath, "--extend", "left=6,top=2", "--feather", "2",
            "--steps", "4", "--seed", "5");

        Assert.True(run.ExitCode == 0, run.ToString());
        var source = ImageReader.Read(File.ReadAllBytes(sourcePath));
        var result = ImageReader.Read(File.ReadAllBytes(Path.Combine(dir, "out", "outpainting-000.png")));
        Assert.Equal((22, 18), (result.Width, result.Height));
        // Left and top edges face the new area: with feather 2, pixels at x ≥ 2 and y ≥ 2 inside the source are exact.
        for (var y = 2; y < 16; y++)
        {
            for (var x = 2; x < 16; x++)
            {
                AssertSamePixel(source, x, y, result, x + 6, y + 2);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stitch_BothSourcesExactOutsideJoinAndFeather(bool vertical)
    {
        var dir = Cli.TempDirectory();
        var a = Cli.WritePng(dir, "a.png", 16, 16);
        var b = Cli.WritePng(dir, "b.png", 16, 16, (x, y) => (x + y) % 3 == 0);
        string[] args = ["stitch", a, b, "--join", "6", "--feather", "1", "--steps", "4", "--seed", "2", .. vertical ? ["--vertical"] : Array.Empty<string>()];
        var run = await Cli.JobAsync(Path.Combine(dir, "out"), args);

        Assert.True(run.ExitCode == 0, run.ToString());
        var (first, second) = (ImageReader.Read(File.ReadAllBytes(a)), ImageReader.Read(File.ReadAllBytes(b)));
        var result = ImageReader.Read(File.ReadAllBytes(Path.Combine(dir, "out", "stitching-000.png")));
        Assert.Equal(vertical ? (16, 38) : (38, 16), (result.Width, result.Height));
        for (var y = 0; y < 16; y++)
        {
            for (var x = 0; x < 16; x++)
            {
                // Feather 1: only the row or column touching the join blends.
                if (vertical ? y < 15 : x < 15)
                {
                    AssertSamePixel(first, x, y, result, x, y);
                }

                if (vertical ? y > 0 : x > 0)
                {
                    AssertSamePixel(second, x, y, result, vertical ? x : x + 22, vertical ? y + 22 : y);
                }
            }
        }
    }

    private static void AssertSamePixel(RgbImage source, int sx, int sy, RgbImage result, int rx, int ry)
    {
        var s = 3 * ((sy * source.Width) + sx);
        var r = 3 * ((ry * result.Width) + rx);
        Assert.True(source.Rgb.AsSpan(s, 3).SequenceEqual(result.Rgb.AsSpan(r, 3)), $"source ({sx}, {sy}) differs at ({rx}, {ry})");
    }
}
