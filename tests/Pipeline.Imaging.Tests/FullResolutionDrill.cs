using System.Diagnostics;
using Pipeline.Contracts;
using Xunit.Abstractions;

namespace Pipeline.Imaging.Tests;

/// <summary>
/// What a full-resolution inpainting of a large photo costs in the image steps: choosing and fitting the work region,
/// composing the result into the whole source, and its PNG, each with the time and the bytes it allocated, printed.
/// Only outcomes are asserted (figures depend on the machine and on the rest of the test run); for clean figures run it
/// alone: <c>dotnet test tests/Pipeline.Imaging.Tests -c Release --filter FullyQualifiedName~FullResolutionDrill --logger "console;verbosity=detailed"</c>.
/// </summary>
public class FullResolutionDrill(ITestOutputHelper output)
{
    [Fact]
    public void Inpainting4096x3072_ComposedAtFullSize_AllocatesInProportionToTheImage()
    {
        var (width, height) = (4096, 3072);
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < rgb.Length; i++)
        {
            rgb[i] = (byte)((i * 31) ^ (i >> 9));
        }

        var photo = new RgbImage(width, height, rgb);
        var source = new FittedImage(TestImages.Solid(32, 32, 0, 0, 0), FitTransform.Create(width, height, 32, 32)) { Original = photo };
        var codec = new ImageCodec();
        var decoded = PlanarPixels.ToPlanar(TestImages.Gradient(32, 32));

        var masked = Measure("work region (choose, fit, mask)", () => codec.RasterizeMask([new MaskRectangle { X = 3700, Y = 2800, Width = 300, Height = 200 }], source));
        var result = Measure("compose into 4096×3072", () => codec.Composite(masked.Work, decoded, masked.SourceMask, featherPixels: 2));
        var png = Measure("PNG at 4096×3072", () => codec.EncodePng(result));

        output.WriteLine($"work region: {masked.Work.Description}; PNG {png.Length} bytes; source {rgb.Length} bytes");
        Assert.Equal((width, height), (result.Width, result.Height));
    }

    private T Measure<T>(string what, Func<T> step)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var value = step();
        output.WriteLine($"{what}: {clock.Elapsed.TotalMilliseconds:F0} ms, {(GC.GetAllocatedBytesForCurrentThread() - allocated) / 1e6:F1} MB allocated on this thread");
        return value;
    }
}
