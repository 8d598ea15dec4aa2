using Pipeline.Imaging;

namespace Pipeline.Cli.Running;

/// <summary>Grids of result images for a quick look; small model images are enlarged (nearest neighbour, so pixels stay crisp).</summary>
internal static class ContactSheets
{
    private const int MinimumCell = 96;

    /// <summary>
    /// Writes a sheet of <paramref name="pngs"/> (null entries leave a blank cell) to <paramref name="path"/>; the first image is
    /// enlarged to at least <paramref name="minimumCell"/> pixels on its longer side (default 96), the others by the same factor.
    /// </summary>
    public static void Write(string path, IReadOnlyList<byte[]?> pngs, int columns, int minimumCell = MinimumCell)
    {
        var images = pngs.Select(p => p is null ? null : ImageReader.Read(p)).ToList();
        var first = images.FirstOrDefault(i => i is not null) ?? throw new ArgumentException("no images for a contact sheet", nameof(pngs));
        var scale = Math.Max(1, minimumCell / Math.Max(first.Width, first.Height));
        var cells = images.Select(i => Enlarge(i ?? RgbImage.Filled(first.Width, first.Height, 255, 255, 255), scale)).ToList();
        ResultWriter.WriteAtomically(path, PngWriter.Encode(ContactSheet.Compose(cells, columns, padding: 4)));
    }

    private static RgbImage Enlarge(RgbImage image, int scale)
    {
        if (scale == 1)
        {
            return image;
        }

        var width = image.Width * scale;
        var rgb = new byte[width * image.Height * scale * 3];
        for (var y = 0; y < image.Height * scale; y++)
        {
            for (var x = 0; x < width; x++)
            {
                Array.Copy(image.Rgb, (((y / scale) * image.Width) + (x / scale)) * 3, rgb, ((y * width) + x) * 3, 3);
            }
        }

        return new RgbImage(width, image.Height * scale, rgb);
    }
}
