namespace Pipeline.Engine.Tests;

/// <summary>The loop's phase clock (<see cref="EngineLoopTimes"/>), which the bench's per-image breakdown divides by images.</summary>
public sealed class LoopTimesTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LoopTimes_AfterGenerations_BooksForwardsDecodesAndEveryIteration(bool overlapDecode)
    {
        await using var harness = new EngineHarness(overlapDecode: overlapDecode);
        Assert.Equal(EngineLoopTimes.Zero, harness.Engine.LoopTimes());

        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => harness.Engine.RunAsync(EngineHarness.Generation($"g{i}", seed: i, steps: 5))));

        // The loop books the last iteration, and the finisher its phases, just after completing the jobs' tasks: wait for them rather than race them.
        await Poll.UntilAsync(() => Task.FromResult(harness.Engine.LoopTimes() is { Iterations: >= 5 } t
            && (overlapDecode ? t.FinishOverlapped : t.Finish) > TimeSpan.Zero), "the loop to book its 5 iterations and the finishing");
        var times = harness.Engine.LoopTimes();
        Assert.True(times.Forward > TimeSpan.Zero, times.ToString());
        if (overlapDecode)
        {
            // Decoded and finished on the finisher, beside the loop: booked apart, not in the loop's busy time.
            Assert.True(times.DecodeOverlapped > TimeSpan.Zero, times.ToString());
            Assert.True(times.FinishOverlapped > TimeSpan.Zero, times.ToString());
            Assert.Equal((TimeSpan.Zero, TimeSpan.Zero), (times.Decode, times.Finish));
        }
        else
        {
            Assert.True(times.Decode > TimeSpan.Zero, times.ToString());
            Assert.True(times.Finish > TimeSpan.Zero, times.ToString());
            Assert.Equal((TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero), (times.DecodeOverlapped, times.FinishOverlapped, times.FinisherWait));
        }

        Assert.Equal(times.Admission + times.Encode + times.Plan + times.Forward + times.Apply + times.Decode + times.Finish + times.FinisherWait, times.Busy);
        Assert.Equal(TimeSpan.Zero, (times - times).Busy);
    }
}
