using Pipeline.Contracts;
using Pipeline.TestSupport.Corpus;

namespace Pipeline.Imaging.Tests;

public class DecodeBudgetTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void Reserve_WithinCapacity_HoldsThePixelsUntilDisposedOnce()
    {
        var budget = new DecodeBudget(100, Long);

        var reservation = budget.Reserve(60);
        Assert.Equal(60, budget.PixelsInFlight);
        reservation.Dispose();
        reservation.Dispose();

        Assert.Equal(0, budget.PixelsInFlight);
    }

    [Fact]
    public async Task Reserve_MoreThanIsLeft_WaitsUntilEnoughIsReleased()
    {
        var budget = new DecodeBudget(100, Long);
        var first = budget.Reserve(80);

        var second = Task.Run(() => budget.Reserve(50));
        await Poll.UntilAsync(() => budget.Waiting == 1, "the second reservation waiting");
        Assert.False(second.IsCompleted);
        first.Dispose();

        using var granted = await second;
        Assert.Equal(50, budget.PixelsInFlight);
    }

    [Fact]
    public async Task Reserve_SmallRequestBehindALargeOne_WaitsItsTurn()
    {
        var budget = new DecodeBudget(100, Long);
        var first = budget.Reserve(80);
        var large = Task.Run(() => budget.Reserve(50));
        await Poll.UntilAsync(() => budget.Waiting == 1, "the large reservation waiting");

        var small = Task.Run(() => budget.Reserve(10));
        await Poll.UntilAsync(() => budget.Waiting == 2, "the small reservation queued behind it");

        // 10 would fit beside the 80 held, but arrival order keeps the large one from being starved.
        Assert.False(small.IsCompleted);
        first.Dispose();
        using var l = await large;
        using var s = await small;
        Assert.Equal(60, budget.PixelsInFlight);
    }

    [Fact]
    public void Reserve_NoRoomWithinMaxWait_ThrowsTimeoutAndLeavesTheQueue()
    {
        var budget = new DecodeBudget(100, TimeSpan.FromMilliseconds(20));
        using var full = budget.Reserve(100);

        Assert.Throws<TimeoutException>(() => budget.Reserve(1));

        Assert.Equal(0, budget.Waiting);
        Assert.Equal(100, budget.PixelsInFlight);
    }

    [Fact]
    public void Reserve_MoreThanTheWholeBudget_TakesAllOfItAndRunsAlone()
    {
        var budget = new DecodeBudget(100, Long);

        using var huge = budget.Reserve(1000);

        Assert.Equal(100, budget.PixelsInFlight);
    }

    [Fact]
    public void Read_ValidImage_ReservesItsPixelsWhileCopyingThemOut()
    {
        var budget = new DecodeBudget(1_000_000, Long);
        var limits = new ImageReadLimits { Budget = budget };
        var png = HostileCorpus.Cases["png-rgba8"].File;

        var seen = GuardedDecoder.Decode(png, limits, "image", _ => budget.PixelsInFlight);

        Assert.Equal(Encoded.Width * Encoded.Height, seen);
        Assert.Equal(0, budget.PixelsInFlight);
    }

    [Fact]
    public void Read_RejectedFile_IsRejectedWithoutWaitingForTheBudget()
    {
        // The budget is full for far longer than the test may take: only a check that runs first can answer.
        var budget = new DecodeBudget(1, TimeSpan.FromMinutes(10));
        using var full = budget.Reserve(1);
        var limits = new ImageReadLimits { Budget = budget };

        var e = Assert.Throws<ImageInputException>(() => ImageReader.Read(HostileCorpus.Cases["png-idat-ends-early"].File, limits));

        Assert.Equal(ContractErrorCodes.ImageTruncated, e.Code);
    }

    [Fact]
    public void Read_EightAtOnceWithRoomForOne_NeverHasMoreThanOneImageInFlight()
    {
        var pixels = Encoded.Width * Encoded.Height;
        var budget = new DecodeBudget(pixels, Long);
        var limits = new ImageReadLimits { Budget = budget };
        var png = HostileCorpus.Cases["png-rgba8"].File;
        var most = 0L;

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 20; i++)
            {
                var inFlight = GuardedDecoder.Decode(png, limits, "image", _ => budget.PixelsInFlight);
                InterlockedMax(ref most, inFlight);
            }
        });

        Assert.Equal(pixels, most);
        Assert.Equal(0, budget.PixelsInFlight);
    }

    private static void InterlockedMax(ref long target, long value)
    {
        for (var current = Interlocked.Read(ref target); value > current; current = Interlocked.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, current) == current)
            {
                return;
            }
        }
    }
}
