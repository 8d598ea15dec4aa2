namespace Pipeline.Imaging.Formats;

/// <summary>
/// Where a decoded first frame sits on its canvas, for containers whose decoder cannot place it itself (an animated
/// WebP's first frame is handed over as a still of the frame's own size).
/// </summary>
internal sealed record FramePlacement(int X, int Y, int FrameWidth, int FrameHeight);
