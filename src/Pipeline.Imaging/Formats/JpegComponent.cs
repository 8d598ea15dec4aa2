namespace Pipeline.Imaging.Formats;

/// <summary>One colour component of a JPEG frame, and what the scan walk learns about its coefficients.</summary>
internal sealed class JpegComponent(int id, int horizontal, int vertical, int quantTable)
{
    public int Id => id;

    /// <summary>Horizontal sampling factor (blocks per MCU across).</summary>
    public int H => horizontal;

    /// <summary>Vertical sampling factor.</summary>
    public int V => vertical;

    public int QuantTable => quantTable;

    /// <summary>Blocks across the component itself (a single-component scan's MCU grid).</summary>
    public int BlocksWide { get; set; }

    /// <summary>Blocks down the component itself.</summary>
    public int BlocksHigh { get; set; }

    /// <summary>
    /// Progressive only: per block, a bit per coefficient that some scan has made non-zero; AC refinement scans
    /// carry a correction bit for exactly those, so their length cannot be walked without it.
    /// </summary>
    public ulong[]? NonZero { get; set; }
}
