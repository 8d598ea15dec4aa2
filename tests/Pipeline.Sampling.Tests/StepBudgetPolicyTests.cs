namespace Pipeline.Sampling.Tests;

public class StepBudgetPolicyTests
{
    private static readonly StepBudgetPolicy Policy = new(
        interactive: new StepBudget(32, 16, 128, BacklogAtMinimum: 0),
        standard: new StepBudget(64, 16, 256, BacklogAtMinimum: 100),
        bulk: new StepBudget(64, 8, 256, BacklogAtMinimum: 10));

    [Fact]
    public void Resolve_NoStepsRequested_TakesClassDefault()
    {
        Assert.Equal(new StepDecision(32, 32), Policy.Resolve(PriorityClass.Interactive, null, backlog: 0));
        Assert.Equal(new StepDecision(64, 64), Policy.Resolve(PriorityClass.Bulk, null, backlog: 0));
    }

    [Fact]
    public void Resolve_NoBacklog_UsesRequestedSteps()
    {
        Assert.Equal(new StepDecision(200, 200), Policy.Resolve(PriorityClass.Standard, 200, backlog: 0));
    }

    [Fact]
    public void Resolve_BacklogAtOrAboveThreshold_DegradesToClassMinimum()
    {
        Assert.Equal(new StepDecision(64, 8), Policy.Resolve(PriorityClass.Bulk, 64, backlog: 10));
        Assert.Equal(new StepDecision(64, 8), Policy.Resolve(PriorityClass.Bulk, 64, backlog: 1000));
    }

    [Fact]
    public void Resolve_PartialBacklog_SlidesLinearlyTowardMinimum()
    {
        // 64 − floor((64 − 16) · 50 / 100) = 40
        Assert.Equal(new StepDecision(64, 40), Policy.Resolve(PriorityClass.Standard, 64, backlog: 50));
    }

    [Fact]
    public void Resolve_InteractiveUnderBacklog_NeverDegrades()
    {
        Assert.Equal(new StepDecision(128, 128), Policy.Resolve(PriorityClass.Interactive, 128, backlog: 10_000));
    }

    [Fact]
    public void Resolve_RequestBelowMinimum_IsNeverRaisedOrLowered()
    {
        Assert.Equal(new StepDecision(4, 4), Policy.Resolve(PriorityClass.Bulk, 4, backlog: 10));
    }

    [Fact]
    public void Resolve_HigherClassUnderSameBacklog_KeepsMoreSteps()
    {
        var standard = Policy.Resolve(PriorityClass.Standard, 64, backlog: 5).Used;
        var bulk = Policy.Resolve(PriorityClass.Bulk, 64, backlog: 5).Used;

        Assert.True(standard > bulk, $"standard kept {standard} steps, bulk {bulk}");
    }

    [Theory]
    [InlineData(PriorityClass.Bulk, 0, "steps must be between 1 and 256 for priority class bulk; got 0")]
    [InlineData(PriorityClass.Standard, -5, "steps must be between 1 and 256 for priority class standard; got -5")]
    [InlineData(PriorityClass.Interactive, 129, "steps must be between 1 and 128 for priority class interactive; got 129")]
    public void Resolve_StepsOutsideClassRange_ThrowsStepsOutOfRange(PriorityClass priority, int steps, string message)
    {
        var error = Assert.Throws<SamplingParameterException>(() => Policy.Resolve(priority, steps, backlog: 0));

        Assert.Equal(ContractErrorCodes.StepsOutOfRange, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Constructor_MinimumAboveDefault_Throws()
    {
        Assert.Throws<ArgumentException>(() => new StepBudgetPolicy(
            new StepBudget(8, 16, 32, 0), new StepBudget(8, 8, 8, 0), new StepBudget(8, 8, 8, 0)));
    }
}
