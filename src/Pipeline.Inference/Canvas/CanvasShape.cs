namespace Pipeline.Inference.Canvas;

/// <summary>
/// The size checks every canvas codec makes, with messages a caller can act on: sizes that are whole tokens and at
/// least the model's on each side, and buffers large enough.
/// </summary>
internal sealed class CanvasShape(int tokenSize, int modelGridHeight, int modelGridWidth)
{
    public int TokenSize => tokenSize;

    public int ModelGridHeight => modelGridHeight;

    public int ModelGridWidth => modelGridWidth;

    /// <summary>Checks pixel sizes; returns the token grid.</summary>
    public (int GridHeight, int GridWidth) PixelsToGrid(int heightPx, int widthPx)
    {
        if (heightPx % tokenSize != 0 || widthPx % tokenSize != 0 || heightPx <= 0 || widthPx <= 0)
        {
            throw new ArgumentException(
                $"Canvas {widthPx}×{heightPx} px is not a whole number of tokens: width and height must be positive multiples of the token size {tokenSize} px.");
        }

        CheckGrid(heightPx / tokenSize, widthPx / tokenSize);
        return (heightPx / tokenSize, widthPx / tokenSize);
    }

    public void CheckGrid(int gridHeight, int gridWidth)
    {
        if (gridHeight < modelGridHeight || gridWidth < modelGridWidth)
        {
            throw new ArgumentException(
                $"Canvas of {gridWidth}×{gridHeight} tokens ({gridWidth * tokenSize}×{gridHeight * tokenSize} px) is smaller than the model's " +
                $"{modelGridWidth}×{modelGridHeight} tokens ({modelGridWidth * tokenSize}×{modelGridHeight * tokenSize} px): a canvas must be at least the model's size on each side.");
        }
    }

    public static void CheckBuffer(int actual, long required, string what, string paramName)
    {
        if (actual < required)
        {
            throw new ArgumentException($"The {what} buffer holds {actual} elements; this canvas needs {required}.", paramName);
        }
    }
}
