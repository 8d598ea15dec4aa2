using Pipeline.Sampling.Canvas;

namespace Pipeline.Sampling.Tests.Canvas;

public class CanvasWindowsTests
{
    [Fact]
    public void EveryCanvasSizeAndStride_EveryPositionCoveredAndWindowsInside()
    {
        const int wh = 4, ww = 3;
        for (var h = wh; h <= 13; h++)
        {
            for (var w = ww; w <= 11; w++)
            {
                for (var sr = 1; sr <= wh; sr++)
                {
                    for (var sc = 1; sc <= ww; sc++)
                    {
                        var windows = new CanvasWindows(h, w, wh, ww, sr, sc);
                        Assert.Equal(windows.Count, CanvasWindows.CountFor(h, w, wh, ww, sr, sc));
                        var covered = new int[h * w];
                        for (var i = 0; i < windows.Count; i++)
                        {
                            var (row, col) = windows.Origin(i);
                            Assert.InRange(row, 0, h - wh);
                            Assert.InRange(col, 0, w - ww);
                            for (var local = 0; local < windows.WindowLength; local++)
                            {
                                var position = windows.CanvasPosition(i, local);
                                Assert.True(windows.Covers(i, position));
                                covered[position]++;
                            }
                        }

                        Assert.All(covered, c => Assert.True(c > 0, $"{h}x{w} stride {sr}x{sc} leaves a position uncovered"));
                    }
                }
            }
        }
    }

    [Fact]
    public void MarkCovering_FlagsExactlyTheWindowsThatContainThePosition()
    {
        var windows = new CanvasWindows(8, 24, 8, 8, 4, 4);
        Assert.Equal(5, windows.Count);
        for (var position = 0; position < windows.CanvasLength; position++)
        {
            var needed = new bool[windows.Count];
            windows.MarkCovering(position, needed);
            for (var i = 0; i < windows.Count; i++)
            {
                Assert.Equal(windows.Covers(i, position), needed[i]);
            }
        }
    }

    [Fact]
    public void CopyWindow_TakesTheWindowsRowsOutOfTheCanvas()
    {
        var windows = new CanvasWindows(3, 5, 2, 2, 1, 2);
        var canvas = Enumerable.Range(0, 15).Select(i => (long)i).ToArray();
        var row = new long[4];
        var last = windows.Count - 1; // origin (1, 3)
        windows.CopyWindow(canvas, last, row);
        Assert.Equal((1, 3), windows.Origin(last));
        Assert.Equal([8L, 9L, 13L, 14L], row);
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(9, 8)]
    public void StrideOutsideOneToWindow_Throws(int stride, int window) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CanvasWindows(16, 16, window, window, stride, 4));
}
