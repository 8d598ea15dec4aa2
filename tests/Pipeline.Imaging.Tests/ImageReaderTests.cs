using Pipeline.Contracts;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Imaging.Tests;

public class ImageReaderTests
{
    private static readonly byte[] SmallPng = TestImages.Png(64, 48, (x, y) => new Rgba32((byte)(x * 3), (byte)(y * 5), 7, 255));

    [Fact]
    public void Read_ValidPng_ReturnsItsPixels()
    {
        var image = ImageReader.Read(SmallPng);

        Assert.Equal((64, 48), (image.Width, image.Height));
        Assert.Equal(((byte)(63 * 3), (byte)(47 * 5), (byte)7), TestImages.At(image, 63, 47));
    }

    [Fact]
    public void Read_ZeroBytes_ThrowsImageEmpty()
    {
        var e = Assert.Throws<ImageInputException>(() => ImageReader.Read([]));

        Assert.Equal(ContractErrorCodes.ImageEmpty, e.Code);
    }

    [Theory]
    [InlineData(3, ContractErrorCodes.ImageUndecodable)]  // inside the signature: not even known to be a PNG
    [InlineData(20, ContractErrorCodes.ImageTruncated)]   // inside IHDR
    [InlineData(60, ContractErrorCodes.ImageTruncated)]   // just after IHDR
    public void Read_TruncatedPng_ThrowsTruncatedOnceItsSignatureIsWhole(int keep, string code)
    {
        var e = Assert.Throws<ImageInputException>(() => ImageReader.Read(SmallPng[..keep]));

        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void Read_PngCutHalfWayThroughItsPixelData_ThrowsTruncated()
    {
        var e = Assert.Throws<ImageInputException>(() => ImageReader.Read(SmallPng[..(SmallPng.Length / 2)]));

        Assert.Equal(ContractErrorCodes.ImageTruncated, e.Code);
    }

    [Fact]
    public void Read_PngMissingItsLast20Bytes_ThrowsTruncated()
    {
        var e = Assert.Throws<ImageInputException>(() => ImageReader.Read(SmallPng[..^20]));

        Assert.Equal(ContractErrorCodes.ImageTruncated, e.Code);
    }

    [Fact]
    public void Read_RandomBytes_ThrowsUndecodableNamingSupportedFormats()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);

        var e = Assert.Throws<ImageInputException>(() => ImageReader.Read(bytes));

        Assert.Equal(ContractErrorCodes.ImageUndecodable, e.Code);
        Assert.Contains("PNG", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CorruptedBytes_DecodeOrThrowImageInputExceptionOnly()
    {
        var random = new Random(11);
        var rejected = 0;
        var unexpected = new List<string>();
        for (var trial = 0; trial < 300; trial++)
        {
            var bytes = (byte[])SmallPng.Clone();
            for (var k = 0; k < 1 + random.Next(4); k++)
            {
                bytes[8 + random.Next(bytes.Length - 8)] = (byte)random.Next(256);
            }

            switch (Record.Exception(() => ImageReader.Read(bytes)))
            {
                case null:
                    break;
                case ImageInputException:
                    rejected++;
                    break;
                case var other:
                    unexpected.Add($"trial {trial}: {other.GetType().Name}: {other.Message}");
                    break;
            }
        }

        Assert.Empty(unexpected);
        // The corruptions must reach the decoder's checks, or the loop proved nothing about them.
        Assert.InRange(rejected, 1, 300);
    }

    [Fact]
    public void Read_HeaderClaims20000x20000_RejectedFromTheHeaderBeforeDecoding()
    {
        // The file has no pixel data at all: a full decode would fail as undecodable (after allocating for
        // 400 M pixels), so "too large" naming the header's size proves the check ran on the header alone.
        var bomb = CraftedPng.HeaderOnly(20000, 20000);

        var e = Assert.Throws<ImageInputException>(() => ImageReader.Read(bomb));

        Assert.Equal(ContractErrorCodes.ImageTooLarge, e.Code);
        Assert.Contains("20000×20000", e.Message, StringComparison.Ordinal);
        Assert.True(bomb.Length < 100);
    }

    [Fact]
    public void Read_MoreBytesThanTheLimit_ThrowsTooLarge()
    {
        var e = Assert.Throws<ImageInputException>(() => ImageReader.Read(SmallPng, new ImageReadLimits { MaxBytes = 100 }));

        Assert.Equal(ContractErrorCodes.ImageTooLarge, e.Code);
    }

    [Fact]
    public void Read_SideOverMaxDimension_ThrowsTooLarge()
    {
        var e = Assert.Throws<ImageInputException>(() => ImageReader.Read(SmallPng, new ImageReadLimits { MaxDimension = 50 }));

        Assert.Equal(ContractErrorCodes.ImageTooLarge, e.Code);
    }

    [Fact]
    public void Read_ExifOrientationRotate90_ReturnsTheImageUpright()
    {
        // Stored 4×2 with red at stored (0,0); orientation 6 means "rotate 90° clockwise to display",
        // so the upright image is 2×4 with red at its top-right corner.
        var png = TestImages.Png(
            4,
            2,
            (x, y) => x == 0 && y == 0 ? new Rgba32(255, 0, 0, 255) : new Rgba32(0, 0, 255, 255),
            image =>
            {
                image.Metadata.ExifProfile = new ExifProfile();
                image.Metadata.ExifProfile.SetValue(ExifTag.Orientation, (ushort)6);
            });

        var image = ImageReader.Read(png);

        Assert.Equal((2, 4), (image.Width, image.Height));
        Assert.Equal(((byte)255, (byte)0, (byte)0), TestImages.At(image, 1, 0));
        Assert.Equal(((byte)0, (byte)0, (byte)255), TestImages.At(image, 0, 0));
    }

    [Fact]
    public void Read_TransparentPixels_AreFlattenedOntoWhite()
    {
        var png = TestImages.Png(3, 1, (x, _) => x switch
        {
            0 => new Rgba32(0, 0, 0, 0),       // fully transparent black
            1 => new Rgba32(0, 0, 0, 128),     // half-transparent black
            _ => new Rgba32(10, 20, 30, 255),  // opaque
        });

        var image = ImageReader.Read(png);

        Assert.Equal(((byte)255, (byte)255, (byte)255), TestImages.At(image, 0, 0));
        Assert.Equal(((byte)127, (byte)127, (byte)127), TestImages.At(image, 1, 0));
        Assert.Equal(((byte)10, (byte)20, (byte)30), TestImages.At(image, 2, 0));
    }
}
