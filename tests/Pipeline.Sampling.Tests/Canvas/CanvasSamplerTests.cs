using Pipeline.Sampling.Canvas;
using Pipeline.TestSupport;

namespace Pipeline.Sampling.Tests.Canvas;

public class CanvasSamplerTests
{
    private const int V = SamplerRun.CodebookSize;

    /// <summary>Drives a canvas sampler as the engine does; <paramref name="batch"/> windows per fake forward.</summary>
    private static (long[] Tokens, int WindowRows) Run(SamplerSettings settings, CanvasWindows windows, long[] initial, long seed,
        Action<CanvasSampler>? afterPlan = null)
    {
        var sampler = new CanvasSampler(settings, V, windows, initial, seed);
        var row = new long[windows.WindowLength];
        var logits = new float[windows.WindowLength * V];
        var rows = 0;
        while (!sampler.IsFinished)
        {
            sampler.PlanStep();
            afterPlan?.Invoke(sampler);
            foreach (var window in sampler.PlannedWindows.ToArray())
            {
                sampler.CopyWindowTokens(window, row);
                FakeLogits.Fill(row, V, logits);
                sampler.AddWindowLogits(window, logits);
                rows++;
            }

            sampler.ApplyStep();
        }

        return (sampler.Tokens.ToArray(), rows);
    }

    public static TheoryData<UnmaskOrder, int> OrdersAndSteps()
    {
        var data = new TheoryData<UnmaskOrder, int>();
        foreach (var order in Enum.GetValues<UnmaskOrder>())
        {
            foreach (var steps in new[] { 1, 5, 24 })
            {
                data.Add(order, steps);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OrdersAndSteps))]
    public void WideCanvas_EveryPositionSampledAndSameSeedSameTokens(UnmaskOrder order, int steps)
    {
        var windows = new CanvasWindows(4, 12, 4, 4, 2, 2);
        var settings = new SamplerSettings { Steps = steps, Order = order, Temperature = 0.9f };
        var (first, _) = Run(settings, windows, TokenMasks.Generation(48, V), seed: 11);
        var (second, _) = Run(settings, windows, TokenMasks.Generation(48, V), seed: 11);
        var (other, _) = Run(settings, windows, TokenMasks.Generation(48, V), seed: 12);

        Assert.All(first, t => Assert.InRange(t, 0, V - 1));
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData(UnmaskOrder.Reference)]
    [InlineData(UnmaskOrder.ExactK)]
    [InlineData(UnmaskOrder.Confidence)]
    public void KnownTokens_NeverChange(UnmaskOrder order)
    {
        var windows = new CanvasWindows(6, 10, 4, 4, 2, 3);
        var initial = Enumerable.Range(0, 60).Select(i => (long)(i * 5 % V)).ToArray();
        for (var r = 0; r < 6; r++)
        {
            for (var c = 4; c < 7; c++)
            {
                initial[(r * 10) + c] = V; // a vertical join to generate
            }
        }

        var (tokens, _) = Run(new SamplerSettings { Steps = 7, Order = order }, windows, initial, seed: 3,
            afterPlan: s => Assert.All(Enumerable.Range(0, 60).Where(p => initial[p] != V), p => Assert.Equal(initial[p], s.Tokens[p])));

        for (var p = 0; p < 60; p++)
        {
            if (initial[p] != V)
            {
                Assert.Equal(initial[p], tokens[p]);
            }
        }

        Assert.All(tokens, t => Assert.InRange(t, 0, V - 1));
    }

    [Fact]
    public void ExactK_RunsOnlyWindowsCoveringPlannedPositions_AndFewerThanAllWindowsEveryStep()
    {
        var windows = new CanvasWindows(4, 32, 4, 4, 2, 2);
        var allRows = 0;
        var (_, rows) = Run(new SamplerSettings { Steps = 64, Order = UnmaskOrder.ExactK }, windows, TokenMasks.Generation(128, V), 9,
            afterPlan: s =>
            {
                allRows += windows.Count;
                foreach (var w in s.PlannedWindows)
                {
                    // Every planned window covers at least one position that is still masked (one of them commits).
                    Assert.Contains(Enumerable.Range(0, windows.WindowLength), l => s.Tokens[windows.CanvasPosition(w, l)] == V);
                }
            });

        Assert.True(rows < allRows / 2, $"{rows} window rows of {allRows} for every window every step");
    }

    [Fact]
    public void WindowsOutOfOrder_Throw()
    {
        var windows = new CanvasWindows(4, 8, 4, 4, 2, 2);
        var sampler = new CanvasSampler(new SamplerSettings { Steps = 1 }, V, windows, TokenMasks.Generation(32, V), 1);
        sampler.PlanStep();
        Assert.Equal([0, 1, 2], sampler.PlannedWindows);
        Assert.Throws<InvalidOperationException>(() => sampler.AddWindowLogits(1, new float[16 * V]));
        Assert.Throws<InvalidOperationException>(() => sampler.ApplyStep());
    }

    [Fact]
    public void LargestCanvas_MixtureBufferBoundedByPositionsTimesCodebook()
    {
        // 8× the model's area (4×4 model, 8×16 canvas), confidence order: every masked position needs a mixture.
        var windows = new CanvasWindows(8, 16, 4, 4, 2, 2);
        var sampler = new CanvasSampler(new SamplerSettings { Steps = 4, Order = UnmaskOrder.Confidence }, V, windows,
            TokenMasks.Generation(128, V), 2);
        var row = new long[16];
        var logits = new float[16 * V];
        long peak = 0;
        while (!sampler.IsFinished)
        {
            sampler.PlanStep();
            foreach (var w in sampler.PlannedWindows.ToArray())
            {
                sampler.CopyWindowTokens(w, row);
                FakeLogits.Fill(row, V, logits);
                sampler.AddWindowLogits(w, logits);
            }

            peak = Math.Max(peak, sampler.MixtureBytes);
            sampler.ApplyStep();
        }

        Assert.Equal(CanvasSampler.MaxMixtureBytes(128, V), peak);
    }

    [Fact]
    public void Mixture_OfIdenticalWindows_EqualsOneWindowsDistribution_WithTemperature()
    {
        // Two windows with the same softmax average to that softmax; the tempered mixture then equals softmax(l / τ).
        float[] logits = [0.5f, -1f, 2f, 0f];
        var sum = new float[4];
        var scratch = new float[4];
        MixtureSampler.AddSoftmax(logits, sum, scratch);
        MixtureSampler.AddSoftmax(logits, sum, scratch);
        const float tau = 0.7f;
        var expected = logits.Select(l => Math.Exp(l / tau)).ToArray();
        var z = expected.Sum();
        _ = MixtureSampler.Sample(sum, tau, null, scratch, new Xoshiro256StarStar(1), out _);
        var total = scratch.Sum();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(expected[i] / z, scratch[i] / total, 5);
        }
    }
}
