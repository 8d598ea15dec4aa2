namespace Pipeline.Imaging;

/// <summary>Lays images out in a grid, for previews of a batch.</summary>
public static class ContactSheet
{
    /// <summary>
    /// A grid of <paramref name="columns"/> columns (rows as needed) of cells as large as the largest image, each
    /// image centred in its cell, <paramref name="padding"/> pixels around and between cells, on white.
    /// </summary>
    public static RgbImage Compose(IReadOnlyList<RgbImage> images, int columns, int padding = 2)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfZero(images.Count, nameof(images));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        columns = Math.Min(columns, images.Count);
        var rows = (images.Count + columns - 1) / columns;
        var cellWidth = images.Max(i => i.Width);
        var cellHeight = images.Max(i => i.Height);
        var sheet = RgbImage.Filled(
            checked((columns * (cellWidth + padding)) + padding),
            checked((rows * (cellHeight + padding)) + padding),
            255, 255, 255);
        for (var n = 0; n < images.Count; n++)
        {
            var image = images[n];
            var left = padding + ((n % columns) * (cellWidth + padding)) + ((cellWidth - image.Width) / 2);
            var top = padding + ((n / columns) * (cellHeight + padding)) + ((cellHeight - image.Height) / 2);
            for (var y = 0; y < image.Height; y++)
            {
                Array.Copy(image.Rgb, y * image.Width * 3, sheet.Rgb, (((top + y) * sheet.Width) + left) * 3, image.Width * 3);
            }
        }

        return sheet;
    }
}
