namespace Pipeline.Sampling.Tests;

public class TokenSamplerTests
{
    public static TheoryData<UnmaskOrder, int> OrdersAndSteps()
    {
        var data = new TheoryData<UnmaskOrder, int>();
        foreach (var order in Enum.GetValues<UnmaskOrder>())
        {
            foreach (var steps in new[] { 1, 3, 16, 40 })
            {
                data.Add(order, steps);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OrdersAndSteps))]
    public void Run_AnyOrderAndStepCount_EveryPositionUnmaskedAfterLastStep(UnmaskOrder order, int steps)
    {
        var (tokens, _) = SamplerRun.Run(new SamplerSettings { Steps = steps, Order = order }, SamplerRun.Masked(24), seed: 5);

        Assert.All(tokens, t => Assert.InRange(t, 0, SamplerRun.CodebookSize - 1));
    }

    [Theory]
    [InlineData(UnmaskOrder.Reference)]
    [InlineData(UnmaskOrder.ExactK)]
    [InlineData(UnmaskOrder.Confidence)]
    public void PlanStep_AfterStepsS_ThrowsAndCountsExactlyS(UnmaskOrder order)
    {
        var sampler = new TokenSampler(new SamplerSettings { Steps = 7, Order = order }, SamplerRun.CodebookSize, SamplerRun.Masked(10), 1);
        var logits = new float[10 * SamplerRun.CodebookSize];
        var plans = 0;
        while (!sampler.IsFinished)
        {
            sampler.PlanStep();
            plans++;
            sampler.ApplyStep(logits);
        }

        Assert.Equal(7, plans);
        Assert.Equal(7, sampler.CompletedSteps);
        Assert.Equal(0, sampler.RemainingMasked);
        Assert.Throws<InvalidOperationException>(() => sampler.PlanStep());
    }

    [Fact]
    public void ApplyStep_WithoutPlan_Throws()
    {
        var sampler = new TokenSampler(new SamplerSettings { Steps = 2 }, SamplerRun.CodebookSize, SamplerRun.Masked(4), 1);

        Assert.Throws<InvalidOperationException>(() => sampler.ApplyStep([]));
    }

    [Fact]
    public void ApplyStep_WrongLogitLengthWhenCommitting_Throws()
    {
        var sampler = new TokenSampler(new SamplerSettings { Steps = 1 }, SamplerRun.CodebookSize, SamplerRun.Masked(4), 1);
        sampler.PlanStep();

        Assert.Throws<ArgumentException>(() => sampler.ApplyStep(new float[3]));
    }

    [Theory]
    [InlineData(UnmaskOrder.Reference)]
    [InlineData(UnmaskOrder.ExactK)]
    [InlineData(UnmaskOrder.Confidence)]
    public void Run_SameSeed_GivesSameTokens(UnmaskOrder order)
    {
        var settings = new SamplerSettings { Steps = 12, Order = order };

        var first = SamplerRun.Run(settings, SamplerRun.Masked(32), seed: 42).Tokens;
        var second = SamplerRun.Run(settings, SamplerRun.Masked(32), seed: 42).Tokens;

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(UnmaskOrder.Reference)]
    [InlineData(UnmaskOrder.ExactK)]
    [InlineData(UnmaskOrder.Confidence)]
    public void Run_DifferentSeeds_GiveDifferentTokens(UnmaskOrder order)
    {
        var settings = new SamplerSettings { Steps = 12, Order = order };

        var first = SamplerRun.Run(settings, SamplerRun.Masked(32), seed: 42).Tokens;
        var second = SamplerRun.Run(settings, SamplerRun.Masked(32), seed: 43).Tokens;

        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(UnmaskOrder.Reference, 64)]
    [InlineData(UnmaskOrder.ExactK, 64)]
    [InlineData(UnmaskOrder.Confidence, 64)]
    [InlineData(UnmaskOrder.Reference, 8)]
    public void Run_SkippingEmptySteps_MatchesRunForcingForwardEveryStep(UnmaskOrder order, int steps)
    {
        var settings = new SamplerSettings { Steps = steps, Order = order, TopK = 5 };

        var (skipped, skippedForwards) = SamplerRun.Run(settings, SamplerRun.Masked(20), seed: 9);
        var (forced, forcedForwards) = SamplerRun.Run(settings, SamplerRun.Masked(20), seed: 9, forceForward: true);

        Assert.Equal(forced, skipped);
        Assert.Equal(steps, forcedForwards);
        if (steps > 20)
        {
            Assert.True(skippedForwards < forcedForwards, $"{skippedForwards} forwards with skipping, {forcedForwards} without");
        }
    }

    [Theory]
    [InlineData(UnmaskOrder.Reference)]
    [InlineData(UnmaskOrder.ExactK)]
    [InlineData(UnmaskOrder.Confidence)]
    public void Run_Variation_KnownTokensNeverChange(UnmaskOrder order)
    {
        var source = SamplerRun.Source(40);
        var initial = source.ToArray();
        TokenMasks.MaskVariation(initial, strength: 0.3f, seed: 11, SamplerRun.CodebookSize);

        var (tokens, _) = SamplerRun.Run(new SamplerSettings { Steps = 10, Order = order }, initial, seed: 11,
            afterPlan: (sampler, _) => AssertKnownKept(initial, sampler.Tokens));

        AssertKnownKept(initial, tokens);
        Assert.All(tokens, t => Assert.InRange(t, 0, SamplerRun.CodebookSize - 1));
    }

    [Theory]
    [InlineData(UnmaskOrder.Reference)]
    [InlineData(UnmaskOrder.Confidence)]
    public void Run_Inpainting_KnownTokensNeverChange(UnmaskOrder order)
    {
        // 16×16 pixels onto a 4×4 grid; a 6×6 square at the top-left touches a 2×2 block of tokens.
        var pixels = new bool[16 * 16];
        for (var y = 0; y < 6; y++)
        {
            pixels.AsSpan(y * 16, 6).Fill(true);
        }

        var initial = SamplerRun.Source(16);
        var masked = TokenMasks.Apply(initial, TokenMasks.FromPixelMask(pixels, 16, 16, 4, 4), SamplerRun.CodebookSize);

        var (tokens, _) = SamplerRun.Run(new SamplerSettings { Steps = 6, Order = order }, initial, seed: 3);

        Assert.Equal(4, masked);
        AssertKnownKept(initial, tokens);
        Assert.All(tokens, t => Assert.InRange(t, 0, SamplerRun.CodebookSize - 1));
    }

    [Fact]
    public void ConfidenceOrder_WithoutNoise_CommitsTheMostConfidentPositionsFirst()
    {
        // Positions 3 and 6 put almost all mass on one token; every other position is uniform.
        const int n = 8, v = SamplerRun.CodebookSize;
        var logits = new float[n * v];
        logits[3 * v + 5] = 20f;
        logits[6 * v + 9] = 20f;
        var sampler = new TokenSampler(new SamplerSettings { Steps = 4, Order = UnmaskOrder.Confidence, Confidence = new ConfidenceSchedule { Noise = 0 } },
            v, SamplerRun.Masked(n), seed: 1);

        var planned = sampler.PlanStep();
        sampler.ApplyStep(logits);

        // Cosine schedule: floor(8 · cos(π/8)) = 7 stay masked, so exactly one position is committed.
        Assert.Equal(1, planned);
        var committed = Enumerable.Range(0, n).Where(p => sampler.Tokens[p] != v).ToArray();
        Assert.Single(committed);
        Assert.True(committed[0] is 3 or 6, $"committed position {committed[0]}");
        Assert.Equal(committed[0] == 3 ? 5 : 9, sampler.Tokens[committed[0]]);

        sampler.PlanStep();
        sampler.ApplyStep(logits);
        Assert.NotEqual(v, sampler.Tokens[3]);
        Assert.NotEqual(v, sampler.Tokens[6]);
    }

    [Fact]
    public void ReferenceOrder_FractionUnmaskedPerStep_IsAboutOneOverT()
    {
        const int steps = 8, n = 256, runs = 40;
        var unmasked = new double[steps];
        var atRisk = new double[steps];
        for (var seed = 0; seed < runs; seed++)
        {
            SamplerRun.Run(new SamplerSettings { Steps = steps }, SamplerRun.Masked(n), seed, afterPlan: (sampler, planned) =>
            {
                unmasked[sampler.CompletedSteps] += planned;
                atRisk[sampler.CompletedSteps] += sampler.RemainingMasked;
            });
        }

        for (var step = 0; step < steps; step++)
        {
            var p = 1.0 / (steps - step);
            var fraction = unmasked[step] / atRisk[step];
            var sigma = Math.Sqrt(p * (1 - p) / atRisk[step]);
            Assert.True(Math.Abs(fraction - p) <= 4 * sigma + 1e-12,
                $"step {step}: unmasked {fraction:F4} of the masked positions, expected {p:F4} ± {4 * sigma:F4}");
        }
    }

    [Fact]
    public void ExactKOrder_EachStep_CommitsCeilOfRemainingOverT()
    {
        const int steps = 7;
        var counts = new List<(int Planned, int Remaining, int T)>();
        SamplerRun.Run(new SamplerSettings { Steps = steps, Order = UnmaskOrder.ExactK }, SamplerRun.Masked(30), seed: 2,
            afterPlan: (s, planned) => counts.Add((planned, s.RemainingMasked, steps - s.CompletedSteps)));

        Assert.Equal(steps, counts.Count);
        Assert.All(counts, c => Assert.Equal((c.Remaining + c.T - 1) / c.T, c.Planned));
        Assert.Equal(30, counts.Sum(c => c.Planned));
    }

    [Fact]
    public void ConfidenceOrder_MaskedCountAfterEachStep_FollowsTheCosineSchedule()
    {
        const int steps = 6, n = 50;
        var remainingAfter = new List<int>();
        SamplerRun.Run(new SamplerSettings { Steps = steps, Order = UnmaskOrder.Confidence }, SamplerRun.Masked(n), seed: 4,
            afterPlan: (s, planned) => remainingAfter.Add(s.RemainingMasked - planned));

        var expected = Enumerable.Range(0, steps)
            .Select(i => i == steps - 1 ? 0 : (int)Math.Floor(n * Math.Cos(Math.PI / 2 * (i + 1) / steps)));
        Assert.Equal(expected, remainingAfter);
    }

    [Fact]
    public void TopKOne_SamplesTheArgmaxEverywhere()
    {
        const int n = 12, v = SamplerRun.CodebookSize;
        var logits = new float[n * v];
        FakeLogits.Fill(SamplerRun.Masked(n), v, logits);
        var sampler = new TokenSampler(new SamplerSettings { Steps = 1, TopK = 1 }, v, SamplerRun.Masked(n), seed: 8);

        sampler.PlanStep();
        sampler.ApplyStep(logits);

        for (var p = 0; p < n; p++)
        {
            var row = logits.AsSpan(p * v, v);
            Assert.Equal(row.IndexOf(row.ToArray().Max()), sampler.Tokens[p]);
        }
    }

    [Fact]
    public void TopK_NeverSamplesOutsideTheKLargestLogits()
    {
        const int n = 64, v = SamplerRun.CodebookSize, k = 3;
        var logits = new float[n * v];
        FakeLogits.Fill(SamplerRun.Masked(n), v, logits);
        var sampler = new TokenSampler(new SamplerSettings { Steps = 1, TopK = k, Temperature = 5f }, v, SamplerRun.Masked(n), seed: 8);

        sampler.PlanStep();
        sampler.ApplyStep(logits);

        for (var p = 0; p < n; p++)
        {
            var row = logits.AsSpan(p * v, v).ToArray();
            var kth = row.OrderByDescending(x => x).ElementAt(k - 1);
            Assert.True(row[sampler.Tokens[p]] >= kth, $"position {p} sampled a token outside the top {k}");
        }
    }

    private static void AssertKnownKept(ReadOnlySpan<long> initial, ReadOnlySpan<long> current)
    {
        for (var p = 0; p < initial.Length; p++)
        {
            if (initial[p] != SamplerRun.CodebookSize)
            {
                Assert.Equal(initial[p], current[p]);
            }
        }
    }
}
