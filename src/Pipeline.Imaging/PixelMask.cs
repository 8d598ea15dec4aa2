using Pipeline.Contracts;

namespace Pipeline.Imaging;

/// <summary>A per-pixel mask: true = regenerate, false = keep the original. Row-major, Width × Height values.</summary>
public sealed class PixelMask
{
    public PixelMask(int width, int height, bool[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != checked(width * height))
        {
            throw new ArgumentException($"Expected {width}×{height} values, got {values.Length}.", nameof(values));
        }

        Width = width;
        Height = height;
        Values = values;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Value of pixel (x, y) at index y × Width + x.</summary>
    public bool[] Values { get; }

    /// <summary>Number of pixels to regenerate.</summary>
    public int Count => Values.Count(v => v);

    public bool this[int x, int y] => Values[(y * Width) + x];

    /// <summary>The smallest rectangle holding every set pixel, or null when none is set.</summary>
    public PixelRect? Bounds()
    {
        int x0 = Width, y0 = Height, x1 = -1, y1 = -1;
        for (var y = 0; y < Height; y++)
        {
            var row = Values.AsSpan(y * Width, Width);
            var first = row.IndexOf(true);
            if (first < 0)
            {
                continue;
            }

            (y0, y1) = (Math.Min(y0, y), y);
            (x0, x1) = (Math.Min(x0, first), Math.Max(x1, row.LastIndexOf(true)));
        }

        return y1 < 0 ? null : new PixelRect(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    /// <summary>
    /// The union of <paramref name="rectangles"/>, clipped to <paramref name="width"/> × <paramref name="height"/>.
    /// </summary>
    /// <exception cref="ImageInputException">No rectangles, a rectangle with no area, or one wholly outside the image.</exception>
    public static PixelMask FromRectangles(int width, int height, IReadOnlyList<PixelRect> rectangles)
    {
        ArgumentNullException.ThrowIfNull(rectangles);
        if (rectangles.Count == 0)
        {
            throw new ImageInputException(ContractErrorCodes.MaskInvalid, "The mask has no rectangles.");
        }

        var values = new bool[checked(width * height)];
        foreach (var r in rectangles)
        {
            var (x0, y0, x1, y1) = Clip(r, width, height);
            for (var y = y0; y < y1; y++)
            {
                Array.Fill(values, true, (y * width) + x0, x1 - x0);
            }
        }

        return new PixelMask(width, height, values);
    }

    /// <summary>
    /// The bounds of <see cref="FromRectangles"/>'s mask, with its checks, without allocating the mask: what a host
    /// checks at the door for a large source.
    /// </summary>
    /// <exception cref="ImageInputException">As <see cref="FromRectangles"/>.</exception>
    public static PixelRect BoundsOfRectangles(int width, int height, IReadOnlyList<PixelRect> rectangles)
    {
        ArgumentNullException.ThrowIfNull(rectangles);
        if (rectangles.Count == 0)
        {
            throw new ImageInputException(ContractErrorCodes.MaskInvalid, "The mask has no rectangles.");
        }

        int left = width, top = height, right = 0, bottom = 0;
        foreach (var r in rectangles)
        {
            var (x0, y0, x1, y1) = Clip(r, width, height);
            (left, top, right, bottom) = (Math.Min(left, x0), Math.Min(top, y0), Math.Max(right, x1), Math.Max(bottom, y1));
        }

        return new PixelRect(left, top, right - left, bottom - top);
    }

    // A rectangle's part inside the image, [x0, x1) × [y0, y1).
    private static (int X0, int Y0, int X1, int Y1) Clip(PixelRect r, int width, int height)
    {
        if (r.Width <= 0 || r.Height <= 0)
        {
            throw new ImageInputException(ContractErrorCodes.MaskInvalid, $"Mask rectangle {r} has no area.");
        }

        int x0 = Math.Max(0, r.X), y0 = Math.Max(0, r.Y);
        int x1 = (int)Math.Min(width, (long)r.X + r.Width), y1 = (int)Math.Min(height, (long)r.Y + r.Height);
        if (x0 >= x1 || y0 >= y1)
        {
            throw new ImageInputException(ContractErrorCodes.MaskInvalid, $"Mask rectangle {r} lies outside the {width}×{height} image.");
        }

        return (x0, y0, x1, y1);
    }
}
