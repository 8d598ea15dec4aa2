using Pipeline.Contracts;

namespace Pipeline.Contracts.Tests;

/// <summary>Kinds, priority classes and unmask orders are named and parsed in one place, each name exactly once.</summary>
public sealed class VocabularyTests
{
    [Fact]
    public void JobKinds_EveryKind_RoundTripsThroughItsName()
    {
        Assert.Equal(JobKinds.All, Enum.GetValues<JobKind>().Select(JobKinds.Name));
        Assert.All(Enum.GetValues<JobKind>(), k => Assert.Equal(k, JobKinds.Parse(JobKinds.Name(k))));
    }

    [Fact]
    public void JobPriorities_EveryClass_RoundTripsThroughItsNameHighestFirst()
    {
        Assert.Equal(JobPriorities.All, Enum.GetValues<PriorityClass>().Select(JobPriorities.Name));
        Assert.All(Enum.GetValues<PriorityClass>(), p => Assert.Equal(p, JobPriorities.Parse(JobPriorities.Name(p))));
    }

    [Fact]
    public void UnmaskOrders_EveryOrder_RoundTripsThroughItsName()
    {
        Assert.Equal(["reference", "exact-k", "confidence"], Enum.GetValues<UnmaskOrder>().Select(UnmaskOrders.Name));
        Assert.All(Enum.GetValues<UnmaskOrder>(), o => Assert.Equal(o, UnmaskOrders.Parse(UnmaskOrders.Name(o))));
    }

    [Theory]
    [InlineData("Confidence")]
    [InlineData("exactk")]
    [InlineData("exact_k")]
    [InlineData("")]
    [InlineData(null)]
    public void UnmaskOrders_AnyOtherSpelling_IsUnknown(string? name)
    {
        Assert.Null(UnmaskOrders.Parse(name));
        Assert.False(UnmaskOrders.IsKnown(name));
        Assert.Equal(ContractErrorCodes.UnknownOrder, JobParameterRules.Order(name)?.Code);
    }

    [Fact]
    public void Name_ValueOutsideTheEnum_IsItsNumberWhichNoRuleAccepts()
    {
        Assert.Equal("7", JobKinds.Name((JobKind)7));
        Assert.Equal(ContractErrorCodes.UnknownKind, JobParameterRules.Kind(JobKinds.Name((JobKind)7))?.Code);
        Assert.Equal(ContractErrorCodes.UnknownPriority, JobParameterRules.Priority(JobPriorities.Name((PriorityClass)9))?.Code);
    }

    [Fact]
    public void JobParameterRules_PackLimits_NarrowTheMessageLimitsWithTheSameCode()
    {
        Assert.Null(JobParameterRules.Steps(300, SubmitJobRules.MaxSteps));
        var budget = JobParameterRules.Steps(300, 256, JobPriorities.Bulk);
        Assert.Equal(ContractErrorCodes.StepsOutOfRange, budget?.Code);
        Assert.Equal("steps must be between 1 and 256 for priority class bulk; got 300", budget?.Message);
        Assert.Null(JobParameterRules.TopK(600));
        Assert.Equal("topK must be between 1 and the codebook size 512; got 600", JobParameterRules.TopK(600, codebookSize: 512)?.Message);
    }

    [Fact]
    public void JobParameterRules_SourceAndMask_OnlyWhereTheKindNeedsThem()
    {
        Assert.Null(JobParameterRules.SourceImage(JobKind.Generation, given: false));
        Assert.Equal(ContractErrorCodes.MissingSourceImage, JobParameterRules.SourceImage(JobKind.Inpainting, given: false)?.Code);
        Assert.Equal(ContractErrorCodes.MissingMask, JobParameterRules.Mask(hasImage: false, hasRectangles: false)?.Code);
        Assert.Equal(ContractErrorCodes.AmbiguousMask, JobParameterRules.Mask(hasImage: true, hasRectangles: true)?.Code);
        Assert.Null(JobParameterRules.Mask(hasImage: false, hasRectangles: true));
    }
}
