using Pipeline.Contracts;

namespace Pipeline.Engine.Tests.Canvas;

/// <summary>
/// The largest canvases the default options allow (8× the model's area; the fakes: 8×8 px model, 4×4 tokens of 2 px) run,
/// and the engine's batch — its token and logits buffers, rows × N and rows × N × V — never grows beyond the larger of
/// the slots and the canvas's windows, themselves capped by <see cref="EngineOptions.MaxCanvasWindows"/>. (The sampler's
/// own buffer, at most canvas positions × V floats, is bounded in CanvasSamplerTests.)
/// </summary>
public class LargestCanvasTests
{
    [Theory]
    [InlineData(64, 8, 15)]   // 32×4 tokens: window columns 0, 2, …, 28
    [InlineData(32, 16, 21)]  // 16×8 tokens: 7 columns × 3 rows of windows
    [InlineData(16, 32, 21)]
    public async Task LargestAllowedCanvas_RunsWithRowsBoundedByItsWindows(int width, int height, int windows)
    {
        var options = new EngineOptions();
        Assert.Equal(options.MaxCanvasAreaFactor * EngineHarness.Width * EngineHarness.Height, width * height); // exactly the limit
        Assert.InRange(windows, 1, options.MaxCanvasWindows);
        await using var harness = new EngineHarness(maxBatch: 4);
        var job = new EngineJob
        {
            JobId = "largest", Kind = JobKind.Generation, Seed = 3, Steps = 4, Order = UnmaskOrder.Confidence, CanvasWidth = width, CanvasHeight = height,
        };

        var result = await harness.Engine.RunAsync(job);

        Assert.Equal((width, height, windows), (result.Metadata.ImageWidth, result.Metadata.ImageHeight, result.Metadata.CanvasWindows));
        Assert.Equal(width * height / 4, result.Tokens.Length);
        // Confidence scores every masked position, so every window runs each step until the canvas is done; never more rows.
        Assert.Contains(windows, harness.Denoiser.BatchSizes);
        Assert.All(harness.Denoiser.BatchSizes, rows => Assert.InRange(rows, 1, windows));
    }

    [Fact]
    public async Task OneTokenColumnBeyondTheLargest_RefusedBeforeAnyForward()
    {
        await using var harness = new EngineHarness();
        var job = new EngineJob { JobId = "beyond", Kind = JobKind.Generation, Seed = 3, Steps = 4, CanvasWidth = 66, CanvasHeight = 8 };

        var error = await Assert.ThrowsAsync<InvalidJobException>(() => harness.Engine.RunAsync(job));

        Assert.Equal(ContractErrorCodes.CanvasTooLarge, error.Code);
        Assert.Equal(0, harness.Denoiser.Calls);
    }
}
