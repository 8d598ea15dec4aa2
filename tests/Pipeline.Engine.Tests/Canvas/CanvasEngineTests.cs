using Pipeline.Contracts;

namespace Pipeline.Engine.Tests.Canvas;

/// <summary>Canvas jobs in the engine, over the fakes: an 8×8 model (4×4 tokens of 2×2 pixels), codebook 16.</summary>
public class CanvasEngineTests
{
    private const int V = EngineHarness.CodebookSize;

    private static EngineJob Wide(string id, long seed, UnmaskOrder order = UnmaskOrder.ExactK, int width = 24, int height = 8, int? stride = null) =>
        new()
        {
            JobId = id, Kind = JobKind.Generation, Seed = seed, Steps = 6, Order = order, CanvasWidth = width, CanvasHeight = height,
            CanvasStride = stride,
        };

    /// <summary>A fake source (see FakeImageCodec.Decode): w × h pixels of varied bytes.</summary>
    private static byte[] Source(int w, int h, int salt) => [(byte)w, (byte)h, .. Enumerable.Range(0, 13).Select(i => (byte)(20 + (i * 37 + salt) % 200))];

    /// <summary>The "PNG" of the fakes is planar bytes: the red byte of pixel (x, y).</summary>
    private static byte Red(EngineResult result, int x, int y) => result.Png[(y * result.Metadata.ImageWidth) + x];

    [Theory]
    [InlineData(UnmaskOrder.Reference)]
    [InlineData(UnmaskOrder.ExactK)]
    [InlineData(UnmaskOrder.Confidence)]
    public async Task WideGeneration_EveryTokenSampled_CanvasSizeAndWindowsRecorded(UnmaskOrder order)
    {
        await using var harness = new EngineHarness();
        var result = await harness.Engine.RunAsync(Wide("wide", 3, order));

        Assert.Equal(4 * 12, result.Tokens.Length);
        Assert.All(result.Tokens, t => Assert.InRange(t, 0, V - 1));
        Assert.Equal((24, 8), (result.Metadata.ImageWidth, result.Metadata.ImageHeight));
        Assert.Equal(5, result.Metadata.CanvasWindows); // columns 0, 2, 4, 6, 8 at the default stride 2
        Assert.Equal(48, result.Metadata.MaskedTokens);
        Assert.Equal(3 * 24 * 8, result.Png.Length);
        Assert.Equal(1, harness.Canvas.DecodeCalls);
    }

    [Theory]
    [InlineData(UnmaskOrder.Reference)]
    [InlineData(UnmaskOrder.ExactK)]
    [InlineData(UnmaskOrder.Confidence)]
    public async Task CanvasJobs_SameTokensAloneAndBatchedWithOrdinaryJobs(UnmaskOrder order)
    {
        var wide = Wide("wide", 41, order);
        var tall = Wide("tall", 42, order, width: 8, height: 20, stride: 1);
        var aloneWide = await EngineHarness.RunAloneAsync(wide);
        var aloneTall = await EngineHarness.RunAloneAsync(tall);

        await using var harness = new EngineHarness();
        harness.Denoiser.Gate.Reset(); // hold the first forward so every job joins the same iterations
        var ordinary = Enumerable.Range(0, 4).Select(i => harness.Engine.RunAsync(EngineHarness.Generation($"g{i}", 100 + i, 3 + i))).ToArray();
        var canvases = new[] { harness.Engine.RunAsync(wide), harness.Engine.RunAsync(tall) };
        harness.Denoiser.Gate.Set();
        await Task.WhenAll(ordinary);
        var results = await Task.WhenAll(canvases);

        Assert.Equal(aloneWide, results[0].Tokens);
        Assert.Equal(aloneTall, results[1].Tokens);
        Assert.Contains(harness.Denoiser.BatchSizes, rows => rows > 1);
    }

    [Fact]
    public async Task CanvasWithMoreWindowsThanSlots_RunsAloneInALargerBatch()
    {
        await using var harness = new EngineHarness(maxBatch: 2);
        var first = harness.Engine.RunAsync(EngineHarness.Generation("g", 1, 4));
        var result = await harness.Engine.RunAsync(Wide("wide", 5, UnmaskOrder.Confidence));
        await first;

        Assert.All(result.Tokens, t => Assert.InRange(t, 0, V - 1));
        Assert.Contains(harness.Denoiser.BatchSizes, rows => rows > 2);
        Assert.All(harness.Denoiser.BatchSizes, rows => Assert.InRange(rows, 1, 5));
    }

    [Fact]
    public async Task Outpainting_KeepsSourceTokensAndPixelsOutsideTheFeather()
    {
        await using var harness = new EngineHarness();
        var source = Source(8, 8, 1);
        var job = new EngineJob
        {
            JobId = "out", Kind = JobKind.Outpainting, Seed = 9, Steps = 5, SourceImage = source, FeatherPixels = 2,
            Extend = new CanvasExtend { Left = 4, Right = 6 },
        };
        var result = await harness.Engine.RunAsync(job);
        var image = harness.Images.Decode(source);

        Assert.Equal((18 + 0, 8), (result.Metadata.ImageWidth, result.Metadata.ImageHeight)); // 4 + 8 + 6 = 18, a multiple of 2
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                // Left and right edges face generated pixels; top and bottom are the canvas border. Feather 2: x in 2..5 exact.
                if (x >= 2 && x < 6)
                {
                    Assert.Equal(image.Rgb[3 * ((y * 8) + x)], Red(result, x + 4, y));
                }
            }
        }

        // The source's own tokens (columns 2..5 of the canvas grid) are what the encoder gave, never resampled.
        for (var r = 0; r < 4; r++)
        {
            for (var c = 0; c < 4; c++)
            {
                Assert.Equal(image.Rgb[3 * ((r * 2 * 8) + (c * 2))] % V, result.Tokens[(r * 9) + c + 2]);
            }
        }

        Assert.Equal(4 * 5, result.Metadata.MaskedTokens); // 2 columns left, 3 right, 4 rows
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stitching_BothSourcesExactOutsideTheJoinAndFeather(bool vertical)
    {
        await using var harness = new EngineHarness();
        var (a, b) = (Source(8, 8, 2), Source(10, 8, 3));
        var job = new EngineJob
        {
            JobId = "stitch", Kind = JobKind.Stitching, Seed = 4, Steps = 5, SourceImage = a, SecondImage = b, JoinPixels = 4,
            FeatherPixels = 1, Vertical = vertical,
        };
        var result = await harness.Engine.RunAsync(job);
        var (imageA, imageB) = (harness.Images.Decode(a), harness.Images.Decode(b));
        var (w, h) = (result.Metadata.ImageWidth, result.Metadata.ImageHeight);

        Assert.Equal(vertical ? (10, 20) : (22, 8), (w, h));
        Assert.All(result.Tokens, t => Assert.InRange(t, 0, V - 1));
        // A at (0, 0); B ends at the far edge. Feather 1: the pixel next to an open edge blends, the rest is exact.
        var (bx, by) = vertical ? (0, h - 8) : (w - 10, 0);
        for (var y = 0; y < 8; y++)
        {
            for (var x = 0; x < 8; x++)
            {
                var nearOpenEdge = vertical ? y == 7 || x == 7 : x == 7;
                if (!nearOpenEdge)
                {
                    Assert.Equal(imageA.Rgb[3 * ((y * 8) + x)], Red(result, x, y));
                }
            }

            for (var x = 0; x < 10; x++)
            {
                var nearOpenEdge = vertical ? y == 0 : x == 0;
                if (!nearOpenEdge)
                {
                    Assert.Equal(imageB.Rgb[3 * ((y * 10) + x)], Red(result, bx + x, by + y));
                }
            }
        }
    }

    public static TheoryData<EngineJob, string> BadCanvases() => new()
    {
        { Wide("odd", 1, width: 23), ContractErrorCodes.CanvasSizeInvalid },
        { Wide("small", 1, width: 16, height: 6), ContractErrorCodes.CanvasSizeInvalid },
        { Wide("huge", 1, width: 72, height: 8), ContractErrorCodes.CanvasTooLarge },
        { Wide("stride", 1, stride: 5), ContractErrorCodes.CanvasStrideOutOfRange },
        { Wide("windows", 1, width: 32, height: 16, stride: 1), ContractErrorCodes.CanvasTooManyWindows },
        {
            new EngineJob { JobId = "extend", Kind = JobKind.Outpainting, SourceImage = Source(8, 8, 1), Extend = new CanvasExtend() },
            ContractErrorCodes.ExtendInvalid
        },
        {
            new EngineJob { JobId = "extend-big", Kind = JobKind.Outpainting, SourceImage = Source(8, 8, 1), Extend = new CanvasExtend { Left = 64 } },
            ContractErrorCodes.CanvasTooLarge
        },
        {
            new EngineJob { JobId = "join", Kind = JobKind.Stitching, SourceImage = Source(8, 8, 1), SecondImage = Source(8, 8, 2), JoinPixels = 30 },
            ContractErrorCodes.JoinOutOfRange
        },
        {
            new EngineJob { JobId = "second", Kind = JobKind.Stitching, SourceImage = Source(8, 8, 1) },
            ContractErrorCodes.MissingSourceImage
        },
    };

    [Theory]
    [MemberData(nameof(BadCanvases))]
    public async Task BadCanvas_RejectedBeforeQueueingWithItsCode(EngineJob job, string code)
    {
        await using var harness = new EngineHarness();
        var error = await Assert.ThrowsAsync<InvalidJobException>(() => harness.Engine.RunAsync(job));
        Assert.Equal(code, error.Code);
        Assert.Equal(0, harness.Denoiser.Calls);
    }
}
