namespace Pipeline.Contracts.Tests;

public class CanvasRulesTests
{
    private const string Key = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    private static SubmitJob Job(string kind) => new() { JobId = "c1", Kind = kind };

    public static TheoryData<SubmitJob, string> BadMessages() => new()
    {
        { Job(JobKinds.Generation) with { Width = 96 }, ContractErrorCodes.CanvasSizeInvalid },
        { Job(JobKinds.Generation) with { Width = 0, Height = 32 }, ContractErrorCodes.CanvasSizeInvalid },
        { Job(JobKinds.Generation) with { Width = 5000, Height = 32 }, ContractErrorCodes.CanvasSizeInvalid },
        { Job(JobKinds.Generation) with { Width = 96, Height = 32, Stride = 0 }, ContractErrorCodes.CanvasStrideOutOfRange },
        { Job(JobKinds.Generation) with { Extend = new CanvasExtend { Left = 8 } }, ContractErrorCodes.CanvasFieldNotAllowed },
        { Job(JobKinds.Variation) with { SourceImageKey = Key, Width = 64, Height = 32 }, ContractErrorCodes.CanvasFieldNotAllowed },
        { Job(JobKinds.Outpainting) with { SourceImageKey = Key }, ContractErrorCodes.ExtendInvalid },
        { Job(JobKinds.Outpainting) with { SourceImageKey = Key, Extend = new CanvasExtend() }, ContractErrorCodes.ExtendInvalid },
        { Job(JobKinds.Outpainting) with { SourceImageKey = Key, Extend = new CanvasExtend { Left = -1, Right = 4 } }, ContractErrorCodes.ExtendInvalid },
        { Job(JobKinds.Outpainting) with { Extend = new CanvasExtend { Left = 8 } }, ContractErrorCodes.MissingSourceImage },
        { Job(JobKinds.Stitching) with { SourceImageKey = Key }, ContractErrorCodes.MissingSourceImage },
        { Job(JobKinds.Stitching) with { SourceImageKey = Key, SecondImageKey = "x" }, ContractErrorCodes.InvalidInputKey },
        { Job(JobKinds.Stitching) with { SourceImageKey = Key, SecondImageKey = Key, JoinPixels = -2 }, ContractErrorCodes.JoinOutOfRange },
        { Job(JobKinds.Generation) with { JoinPixels = 8 }, ContractErrorCodes.CanvasFieldNotAllowed },
    };

    [Theory]
    [MemberData(nameof(BadMessages))]
    public void BadCanvasMessage_RejectedWithItsCode(SubmitJob job, string code) =>
        Assert.Contains(SubmitJobRules.Validate(job), e => e.Code == code);

    public static TheoryData<SubmitJob> GoodMessages() => new()
    {
        Job(JobKinds.Generation) with { Width = 96, Height = 32, Stride = 4 },
        Job(JobKinds.Outpainting) with { SourceImageKey = Key, Extend = new CanvasExtend { Left = 16, Right = 16 }, FeatherPixels = 3 },
        Job(JobKinds.Stitching) with { SourceImageKey = Key, SecondImageKey = Key, JoinPixels = 16, Vertical = true },
    };

    [Theory]
    [MemberData(nameof(GoodMessages))]
    public void GoodCanvasMessage_Accepted(SubmitJob job) => Assert.Empty(SubmitJobRules.Validate(job));

    [Theory]
    [InlineData("left=16,right=16", 16, 0, 16, 0)]
    [InlineData("top=4", 0, 4, 0, 0)]
    [InlineData(" bottom = 8 , left=2", 2, 0, 0, 8)]
    public void ExtendParse_ReadsSides(string text, int left, int top, int right, int bottom) =>
        Assert.Equal(new CanvasExtend { Left = left, Top = top, Right = right, Bottom = bottom }, CanvasExtend.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("left")]
    [InlineData("left=-4")]
    [InlineData("middle=4")]
    [InlineData("left=4,left=8")]
    public void ExtendParse_Malformed_IsNull(string text) => Assert.Null(CanvasExtend.Parse(text));

    [Fact]
    public void PackRules_NameTheFixAndTheLimit()
    {
        Assert.Contains("try 32x32", CanvasParameterRules.Size(30, 32, 4, 32, 32)!.Message, StringComparison.Ordinal);
        Assert.Equal(ContractErrorCodes.CanvasSizeInvalid, CanvasParameterRules.Size(64, 28, 4, 32, 32)!.Code);
        Assert.Null(CanvasParameterRules.Size(96, 32, 4, 32, 32));
        Assert.Null(CanvasParameterRules.Area(256, 32, 32, 32, 8));
        Assert.Equal(ContractErrorCodes.CanvasTooLarge, CanvasParameterRules.Area(260, 32, 32, 32, 8)!.Code);
    }
}
