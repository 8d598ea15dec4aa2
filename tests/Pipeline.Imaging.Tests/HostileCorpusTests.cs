using Pipeline.Contracts;
using Pipeline.TestSupport.Corpus;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Imaging.Tests;

/// <summary>Runs every row of the <see cref="HostileCorpus"/> through <see cref="ImageReader"/>.</summary>
public class HostileCorpusTests
{
    public static TheoryData<string> Names => [.. HostileCorpus.Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Read_CorpusFile_IsAcceptedOrRejectedAsItsRowSays(string name)
    {
        var row = HostileCorpus.Cases[name];

        var outcome = Record.Exception(() => ImageReader.Read(row.File));

        if (row.Expected is not null)
        {
            var rejected = Assert.IsType<ImageInputException>(outcome);
            Assert.True(row.Expected == rejected.Code, $"{name} ({row.Why}): expected {row.Expected}, got {rejected.Code}: {rejected.Message}");
            return;
        }

        Assert.True(outcome is null, $"{name} ({row.Why}) must be accepted, got: {outcome}");
        var image = ImageReader.Read(row.File);
        Assert.Equal(row.Size, (image.Width, image.Height));
        if (row.Tolerance is { } tolerance)
        {
            using var source = Encoded.Picture();
            foreach (var (x, y) in (ReadOnlySpan<(int, int)>)[(18, 14), (40, 30), (5, 35)])
            {
                AssertNear(source[x, y], TestImages.At(image, x, y), tolerance, $"{name} at ({x}, {y})");
            }
        }
    }

    [Fact]
    public void Corpus_EveryFormatHasAcceptedAndRejectedRows()
    {
        foreach (var format in (string[])["png", "jpeg", "gif", "bmp", "webp", "tga"])
        {
            var rows = HostileCorpus.Cases.Values.Where(c => c.Name.StartsWith(format + "-", StringComparison.Ordinal)).ToList();
            Assert.Contains(rows, c => c.Expected is null);
            Assert.Contains(rows, c => c.Expected == ContractErrorCodes.ImageTruncated || c.Expected == ContractErrorCodes.ImageInconsistent);
        }
    }

    [Fact]
    public void Read_AnimatedWebpWithSmallFirstFrame_PlacesItOnAWhiteCanvas()
    {
        var image = ImageReader.Read(HostileCorpus.Cases["webp-animated-small-first-frame"].File);

        Assert.Equal(((byte)255, (byte)255, (byte)255), TestImages.At(image, 2, 2));
        Assert.Equal(((byte)255, (byte)0, (byte)0), TestImages.At(image, 10, 10));
        Assert.Equal(((byte)255, (byte)255, (byte)255), TestImages.At(image, 30, 30));
    }

    [Fact]
    public void Read_AnimatedGif_UsesTheFirstFrame()
    {
        var image = ImageReader.Read(HostileCorpus.Cases["gif-animated"].File);

        // The first frame is the picture (its red square), not the yellow frames after it.
        var (r, g, _) = TestImages.At(image, 18, 14);
        Assert.True(r > 200 && g < 80, $"({r}, {g}) is not the first frame's red");
    }

    [Fact]
    public void Read_ColourMappedTga_LooksUpItsMap()
    {
        var image = ImageReader.Read(HostileCorpus.Cases["tga-colour-mapped"].File);

        Assert.Equal(((byte)0, (byte)0, (byte)255), TestImages.At(image, 0, 0));
        Assert.Equal(((byte)255, (byte)0, (byte)0), TestImages.At(image, 1, 0));
    }

    [Fact]
    public void Rejections_SayWhatToDo()
    {
        foreach (var row in HostileCorpus.Cases.Values.Where(c => c.Expected is ContractErrorCodes.ImageTruncated or ContractErrorCodes.ImageInconsistent))
        {
            var e = Assert.Throws<ImageInputException>(() => ImageReader.Read(row.File));
            Assert.Matches(@"^The image is a (damaged )?(PNG|JPEG|GIF|BMP|WebP|TGA) file.*\. (Send the complete file|Export it again)", e.Message);
        }
    }

    private static void AssertNear(Rgba32 expected, (byte R, byte G, byte B) actual, int tolerance, string where)
    {
        var off = Math.Max(Math.Abs(expected.R - actual.R), Math.Max(Math.Abs(expected.G - actual.G), Math.Abs(expected.B - actual.B)));
        Assert.True(off <= tolerance, $"{where}: expected ~({expected.R}, {expected.G}, {expected.B}), got {actual} (off by {off} > {tolerance})");
    }
}
