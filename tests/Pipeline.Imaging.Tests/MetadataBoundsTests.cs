using Pipeline.Contracts;
using Pipeline.TestSupport.Corpus;

namespace Pipeline.Imaging.Tests;

public class MetadataBoundsTests
{
    [Fact]
    public void Read_PngWithATextChunkInflatingTo100Mb_AllocatesFarLessThanItsText()
    {
        var bomb = HostileCorpus.Cases["png-ztxt-bomb"].File;
        ImageReader.Read(bomb);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var image = ImageReader.Read(bomb);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Inflating the text (as ImageSharp 2 does when metadata is read) allocates several times its 100 MB.
        Assert.Equal((Encoded.Width, Encoded.Height), (image.Width, image.Height));
        Assert.True(allocated < 16L * 1024 * 1024, $"reading it allocated {allocated / (1024 * 1024)} MB on this thread");
    }

    [Fact]
    public void Read_ExifAtTheLimit_IsReadAndOneByteMoreIsRejected()
    {
        var png = HostileCorpus.Cases["png-rgba8"].File;
        var limits = new ImageReadLimits { MaxMetadataBytes = 1000 };
        byte[] Exif(int size) => PngChunks.Parse(png).Insert(1, "eXIf", [.. "MM\0*"u8, 0, 0, 0, 8, .. new byte[size - 8]]).ToArray();

        ImageReader.Read(Exif(1000), limits);
        var e = Assert.Throws<ImageInputException>(() => ImageReader.Read(Exif(1001), limits));

        Assert.Equal(ContractErrorCodes.ImageTooLarge, e.Code);
        Assert.Contains("EXIF", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_JpegWithExifOrientation_IsTurnedUpright()
    {
        // Orientation 6 (rotate 90° clockwise to display) in a big-endian EXIF block: the 48×40 picture shows as 40×48.
        byte[] exif = [.. "Exif\0\0MM\0*"u8, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
        var jpeg = HostileCorpus.Cases["jpeg-baseline-444"].File;
        byte[] withExif = [.. jpeg[..2], 0xFF, 0xE1, 0, (byte)(exif.Length + 2), .. exif, .. jpeg[2..]];

        var image = ImageReader.Read(withExif);

        Assert.Equal((Encoded.Height, Encoded.Width), (image.Width, image.Height));
    }
}
