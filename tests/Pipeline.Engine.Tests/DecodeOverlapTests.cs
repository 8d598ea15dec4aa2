using System.Collections.Concurrent;
using Pipeline.Contracts;
using Pipeline.Sampling;

namespace Pipeline.Engine.Tests;

/// <summary>
/// The decode of finished jobs overlapped with the next forward (EngineOptions.OverlapDecode, PackRunner.Finishing.cs):
/// same results as in series, failures confined to their batch, shutdown completing every job, and bounded hand-over.
/// </summary>
public sealed class DecodeOverlapTests
{
    private static EngineJob[] MixedJobs() =>
    [
        EngineHarness.Generation("a", seed: 1, steps: 3),
        EngineHarness.Generation("b", seed: 2, steps: 9, UnmaskOrder.Confidence),
        EngineHarness.Generation("c", seed: 3, steps: 3, UnmaskOrder.ExactK),
        EngineHarness.Variation("d", seed: 4, steps: 5, strength: 0.5f),
        EngineHarness.Inpainting("e", seed: 5, steps: 4),
        EngineHarness.Generation("f", seed: 6, steps: 1),
    ];

    [Fact]
    public async Task OverlapOnAndOff_AloneAndBatched_SameTokensAndPngBytes()
    {
        var runs = new List<EngineResult[]>();
        foreach (var overlap in new[] { false, true })
        {
            await using var harness = new EngineHarness(overlapDecode: overlap);
            runs.Add(await Task.WhenAll(MixedJobs().Select(job => harness.Engine.RunAsync(job))));
        }

        foreach (var overlap in new[] { false, true })
        {
            var alone = new List<EngineResult>();
            foreach (var job in MixedJobs())
            {
                await using var harness = new EngineHarness(overlapDecode: overlap);
                alone.Add(await harness.Engine.RunAsync(job));
            }

            runs.Add([.. alone]);
        }

        foreach (var run in runs.Skip(1))
        {
            Assert.Equal(runs[0].Select(r => r.Tokens), run.Select(r => r.Tokens));
            Assert.Equal(runs[0].Select(r => r.Png), run.Select(r => r.Png));
        }
    }

    [Fact]
    public async Task Overlapped_FailingDecode_FailsExactlyItsBatch()
    {
        await using var harness = new EngineHarness(overlapDecode: true);
        // A long job holds the loop in its first forward while x, y and z are queued, so all three join in the next iteration
        // (queued one by one on a free loop, x could be admitted alone). The two 2-step jobs then finish together and decode
        // in call 1, which fails; the 4-step job decodes in call 2 and the long one in call 3.
        harness.Codec.OnDecode = (call, _) =>
        {
            if (call == 1)
            {
                throw new InvalidOperationException("decoder fault");
            }
        };
        harness.Denoiser.Gate.Reset();
        var blocker = harness.Engine.RunAsync(EngineHarness.Generation("blocker", seed: 9, steps: 12));
        await Poll.UntilAsync(() => harness.Denoiser.Entered >= 1, "the first forward starts");

        var failing = new[] { harness.Engine.RunAsync(EngineHarness.Generation("x", seed: 1, steps: 2)),
            harness.Engine.RunAsync(EngineHarness.Generation("y", seed: 2, steps: 2)) };
        var survivor = harness.Engine.RunAsync(EngineHarness.Generation("z", seed: 3, steps: 4));
        harness.Denoiser.Gate.Set();

        foreach (var task in failing)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => task);
            Assert.Equal("decoder fault", error.Message);
        }

        var result = await survivor;
        Assert.Equal(await EngineHarness.RunAloneAsync(EngineHarness.Generation("z", seed: 3, steps: 4)), result.Tokens);
        Assert.Equal("blocker", (await blocker).JobId);
        Assert.Equal(3, harness.Codec.DecodesEntered);
    }

    [Fact]
    public async Task Overlapped_ShutdownWithDecodesInFlight_CompletesEveryJob_TheDecodingOneWithItsResult()
    {
        var harness = new EngineHarness(overlapDecode: true, maxFinishingBatches: 2);
        harness.Codec.DecodeGate.Reset();
        var first = harness.Engine.RunAsync(EngineHarness.Generation("first", seed: 1, steps: 1));
        var others = Enumerable.Range(2, 5).Select(i => harness.Engine.RunAsync(EngineHarness.Generation($"j{i}", seed: i, steps: i))).ToArray();
        await Poll.UntilAsync(() => harness.Codec.DecodesEntered >= 1, "the finisher to hold the first decode");

        var disposing = harness.Engine.DisposeAsync();
        harness.Codec.DecodeGate.Set();
        await disposing;

        // Disposal returns once the finisher is done, so every job's outcome is set; the callers' tasks follow it (asynchronously).
        // The job being decoded at shutdown finishes; the others finish or are canceled, none fails.
        Assert.Equal("first", (await first).JobId);
        await Task.WhenAll(others.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        Assert.All(others, t => Assert.True(t.IsCompletedSuccessfully || t.IsCanceled, $"{t.Status}: {t.Exception}"));
    }

    [Fact]
    public async Task Overlapped_HandOverIsBounded_LoopWaitsForTheFinisher()
    {
        const int MaxFinishing = 1;
        await using var harness = new EngineHarness(overlapDecode: true, maxFinishingBatches: MaxFinishing);
        // A batch is handed over in the iteration its jobs' sampling ends, before the next forward. Recorded on the loop: the
        // iterations (forward calls so far) in which some job took its last step, and at each forward how many batches were
        // decoded by then; at most MaxFinishing handed over and not yet decoded means decoded ≥ handed − MaxFinishing.
        var finishedIn = new ConcurrentDictionary<int, bool>();
        var atForward = new ConcurrentQueue<(int Call, int Handed, int Decoded)>();
        harness.Denoiser.OnForward = call => atForward.Enqueue((call, finishedIn.Count, harness.Codec.DecodeCalls));
        var progress = new SyncProgress(p =>
        {
            if (p.Step == p.Steps)
            {
                finishedIn[harness.Denoiser.Calls] = true;
            }
        });
        harness.Codec.DecodeGate.Reset();
        var tasks = Enumerable.Range(1, 5)
            .Select(i => harness.Engine.RunAsync(EngineHarness.Generation($"j{i}", seed: i, steps: i, UnmaskOrder.ExactK), progress))
            .ToArray();
        await Poll.UntilAsync(() => harness.Codec.DecodesEntered >= 1 && harness.Denoiser.Entered >= 2, "the loop to run on past the held decode");

        harness.Codec.DecodeGate.Set();
        await Task.WhenAll(tasks);

        Assert.True(finishedIn.Count >= 2, $"the jobs finished in {finishedIn.Count} iterations; the test needs at least 2");
        foreach (var (call, handed, decoded) in atForward)
        {
            Assert.True(decoded >= handed - MaxFinishing, $"forward {call} started with {handed} batches handed over and {decoded} decoded (bound {MaxFinishing})");
        }
    }
}
