namespace Pipeline.Engine.Tests;

/// <summary>The loop's phase clock (<see cref="EngineLoopTimes"/>), which the bench's per-image breakdown divides by images.</summary>
public sealed class LoopTimesTests
{
    [Fact]
    public async Task LoopTimes_AfterGenerations_BooksForwardsDecodesAndEveryIteration()
    {
        await using var harness = new EngineHarness();
        Assert.Equal(EngineLoopTimes.Zero, harness.Engine.LoopTimes());

        await Task.WhenAll(Enumerable.Range(0, 3).Select(i => harness.Engine.RunAsync(EngineHarness.Generation($"g{i}", seed: i, steps: 5))));

        // The loop books the last iteration just after completing the jobs' tasks: wait for it rather than race it.
        await Poll.UntilAsync(() => Task.FromResult(harness.Engine.LoopTimes().Iterations >= 5), "the loop to book its 5 iterations");
        var times = harness.Engine.LoopTimes();
        Assert.True(times.Forward > TimeSpan.Zero, times.ToString());
        Assert.True(times.Decode > TimeSpan.Zero, times.ToString());
        Assert.True(times.Finish > TimeSpan.Zero, times.ToString());
        Assert.Equal(times.Admission + times.Encode + times.Plan + times.Forward + times.Apply + times.Decode + times.Finish, times.Busy);
        Assert.Equal(TimeSpan.Zero, (times - times).Busy);
    }
}
