using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts;
using Pipeline.Inference;
using Pipeline.Sampling;

namespace Pipeline.Engine.Tests;

/// <summary>Each pack runs its own step budgets, per priority class: from its manifest, under the deployment's overrides.</summary>
public class PackBudgetTests
{
    /// <summary>emoji-32's manifest: pack-wide 32/4/256, and a block per class.</summary>
    private static readonly SamplingDefaults Emoji = new(DefaultSteps: 32, MinSteps: 4, MaxSteps: 256, Priorities: new PriorityStepBudgets(
        Interactive: new StepBudgetSpec(DefaultSteps: 16, MinSteps: 8, BacklogAtMinimum: 0),
        Standard: new StepBudgetSpec(DefaultSteps: 32, MinSteps: 8),
        Bulk: new StepBudgetSpec(DefaultSteps: 32, MinSteps: 4)));

    [Fact]
    public async Task RunAsync_TwoPacksWithDifferentBudgets_EachJobRunsItsOwnPacksBudget()
    {
        var small = Pack("small", PackStepBudgets.Resolve(new SamplingDefaults(DefaultSteps: 4, MinSteps: 2, MaxSteps: 8), null, degradeUnderBacklog: true));
        var emoji = Pack("emoji", PackStepBudgets.Resolve(Emoji, null, degradeUnderBacklog: true));
        await using var engine = new JobEngine(new FakePackSource(small, emoji), new FakeImageCodec(EngineHarness.Width, EngineHarness.Height),
            new EngineOptions(), TimeProvider.System, NullLogger<JobEngine>.Instance);

        var requested = await Task.WhenAll(
            from pack in (string[])["small", "emoji"]
            from priority in Enum.GetValues<PriorityClass>()
            select engine.RunAsync(EngineHarness.Generation($"{pack}-{priority}", 1, 1, priority: priority) with { ModelPack = pack, Steps = null }));

        Assert.Equal([4, 4, 4, 16, 32, 32], requested.Select(r => r.Metadata.StepsRequested));
        var tooMany = await Assert.ThrowsAsync<InvalidJobException>(() => engine.RunAsync(EngineHarness.Generation("s", 1, 20) with { ModelPack = "small" }));
        Assert.Equal(ContractErrorCodes.StepsOutOfRange, tooMany.Code);
        Assert.Equal(20, (await engine.RunAsync(EngineHarness.Generation("e", 1, 20) with { ModelPack = "emoji" })).Metadata.StepsRequested);
    }

    [Fact]
    public async Task RunAsync_UnderBacklog_EachClassDegradesToItsOwnFloor()
    {
        var emoji = Pack("emoji", PackStepBudgets.Resolve(Emoji, null, degradeUnderBacklog: true));
        await using var engine = new JobEngine(new FakePackSource(emoji), new FakeImageCodec(EngineHarness.Width, EngineHarness.Height),
            new EngineOptions(), TimeProvider.System, NullLogger<JobEngine>.Instance);
        engine.ReportBacklog(10_000);

        var used = await Task.WhenAll(Enum.GetValues<PriorityClass>()
            .Select(p => engine.RunAsync(EngineHarness.Generation($"job-{p}", 1, 1, priority: p) with { Steps = null })));

        Assert.Equal([16, 8, 4], used.Select(r => r.Metadata.StepsUsed));
    }

    [Fact]
    public void Resolve_ManifestWithClassBlocks_EveryClassKeepsItsOwnValues()
    {
        var budgets = PackStepBudgets.Resolve(Emoji, null, degradeUnderBacklog: true);

        Assert.Equal(new StepBudget(16, 8, 256, 0), budgets.For(PriorityClass.Interactive));
        Assert.Equal(new StepBudget(32, 8, 256, 256), budgets.For(PriorityClass.Standard));
        Assert.Equal(new StepBudget(32, 4, 256, 32), budgets.For(PriorityClass.Bulk));
    }

    [Fact]
    public void Resolve_PackWideValuesOnly_EveryClassGetsThemAndKeepsItsBacklogThreshold()
    {
        var budgets = PackStepBudgets.Resolve(new SamplingDefaults(DefaultSteps: 8, MinSteps: 2, MaxSteps: 64), null, degradeUnderBacklog: true);

        Assert.Equal(
            [new StepBudget(8, 2, 64, 0), new StepBudget(8, 2, 64, 256), new StepBudget(8, 2, 64, 32)],
            Enum.GetValues<PriorityClass>().Select(budgets.For));
    }

    [Fact]
    public void Resolve_DeploymentOverrides_WinOverTheManifestValueByValue()
    {
        var overrides = new PriorityStepBudgets(
            Standard: new StepBudgetSpec(DefaultSteps: 24, BacklogAtMinimum: 64),
            Bulk: new StepBudgetSpec(MinSteps: 12, MaxSteps: 48));

        var budgets = PackStepBudgets.Resolve(Emoji, overrides, degradeUnderBacklog: true);

        Assert.Equal(new StepBudget(16, 8, 256, 0), budgets.For(PriorityClass.Interactive));
        Assert.Equal(new StepBudget(24, 8, 256, 64), budgets.For(PriorityClass.Standard));
        Assert.Equal(new StepBudget(32, 12, 48, 32), budgets.For(PriorityClass.Bulk));
    }

    [Fact]
    public void Resolve_SpecificValueOutsideALessSpecificRange_StandsAndTheOthersMove()
    {
        var manifest = new SamplingDefaults(DefaultSteps: 32, MinSteps: 16, MaxSteps: 64,
            Priorities: new PriorityStepBudgets(Interactive: new StepBudgetSpec(DefaultSteps: 4)));
        var overrides = new PriorityStepBudgets(Bulk: new StepBudgetSpec(MaxSteps: 8));

        var budgets = PackStepBudgets.Resolve(manifest, overrides, degradeUnderBacklog: true);

        Assert.Equal(new StepBudget(4, 4, 64, 0), budgets.For(PriorityClass.Interactive));
        Assert.Equal(new StepBudget(8, 8, 8, 32), budgets.For(PriorityClass.Bulk));
    }

    [Fact]
    public void Resolve_NoManifestNoOverrides_IsTheEngineDefault()
    {
        var budgets = PackStepBudgets.Resolve(null, null, degradeUnderBacklog: true);

        Assert.All(Enum.GetValues<PriorityClass>(), p => Assert.Equal(StepBudgetPolicy.Default.For(p), budgets.For(p)));
    }

    [Fact]
    public void Resolve_LocalRun_NoClassEverDegrades()
    {
        var budgets = PackStepBudgets.Resolve(Emoji, new PriorityStepBudgets(Bulk: new StepBudgetSpec(BacklogAtMinimum: 5)), degradeUnderBacklog: false);

        Assert.All(Enum.GetValues<PriorityClass>(), p => Assert.Equal(0, budgets.For(p).BacklogAtMinimum));
    }

    [Fact]
    public void Validator_InconsistentOverride_FailsNamingPackAndClass()
    {
        var options = new EngineOptions();
        options.Budgets["emoji-32"] = new PriorityStepBudgets(Standard: new StepBudgetSpec(DefaultSteps: 10, MinSteps: 40));
        options.Budgets["tiny"] = new PriorityStepBudgets(Bulk: new StepBudgetSpec(BacklogAtMinimum: 3));

        var result = new EngineOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.Contains("Pipeline:Engine:Budgets:emoji-32:standard", failure, StringComparison.Ordinal);
        Assert.True(new EngineOptionsValidator().Validate(null, new EngineOptions()).Succeeded);
    }

    private static EngineModelPack Pack(string name, StepBudgetPolicy budgets) =>
        new(name, "1.0-test", EngineHarness.Width, EngineHarness.Height, EngineHarness.LatentHeight, EngineHarness.LatentWidth,
            EngineHarness.CodebookSize, new FakeDenoiser(EngineHarness.N, EngineHarness.CodebookSize),
            new FakeVqCodec(EngineHarness.Width, EngineHarness.Height, EngineHarness.LatentHeight, EngineHarness.LatentWidth, EngineHarness.CodebookSize))
        {
            Budgets = budgets,
        };
}
