using System.Text.Json.Nodes;
using Pipeline.Contracts;

namespace Pipeline.Contracts.Tests;

/// <summary>The schema and <see cref="SubmitJobRules"/> reject the same messages, with the expected code.</summary>
public sealed class RuleConsistencyTests
{
    public static TheoryData<string, string> InvalidJobs() => new()
    {
        { """{"jobId":"../etc","kind":"generation"}""", ContractErrorCodes.InvalidJobId },
        { """{"jobId":"a/b","kind":"generation"}""", ContractErrorCodes.InvalidJobId },
        { """{"jobId":"","kind":"generation"}""", ContractErrorCodes.InvalidJobId },
        { """{"jobId":".hidden","kind":"generation"}""", ContractErrorCodes.InvalidJobId },
        { """{"jobId":"x","batchId":"a\\b","kind":"generation"}""", ContractErrorCodes.InvalidBatchId },
        { """{"jobId":"x","kind":"generation","steps":0}""", ContractErrorCodes.StepsOutOfRange },
        { """{"jobId":"x","kind":"generation","steps":5000}""", ContractErrorCodes.StepsOutOfRange },
        { """{"jobId":"x","kind":"generation","seed":-1}""", ContractErrorCodes.SeedOutOfRange },
        { """{"jobId":"x","kind":"generation","seed":9007199254740992}""", ContractErrorCodes.SeedOutOfRange },
        { """{"jobId":"x","kind":"generation","temperature":0}""", ContractErrorCodes.InvalidTemperature },
        { """{"jobId":"x","kind":"generation","topK":0}""", ContractErrorCodes.TopKOutOfRange },
        { """{"jobId":"x","kind":"generation","callbackUrl":"ftp://example.com/x"}""", ContractErrorCodes.InvalidCallbackUrl },
        { """{"jobId":"x","kind":"generation","sourceImageKey":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}""", ContractErrorCodes.InvalidInputKey },
        { """{"jobId":"x","kind":"generation","strength":0.5}""", ContractErrorCodes.StrengthOutOfRange },
        { """{"jobId":"x","kind":"variation"}""", ContractErrorCodes.MissingSourceImage },
        { """{"jobId":"x","kind":"variation","sourceImageKey":"https://example.com/cat.png"}""", ContractErrorCodes.InvalidInputKey },
        { """{"jobId":"x","kind":"variation","strength":1.5,"sourceImageKey":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}""", ContractErrorCodes.StrengthOutOfRange },
        { """{"jobId":"x","kind":"inpainting","sourceImageKey":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}""", ContractErrorCodes.MissingMask },
        { """{"jobId":"x","kind":"inpainting","sourceImageKey":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","maskImageKey":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","maskRectangles":[{"x":0,"y":0,"width":1,"height":1}]}""", ContractErrorCodes.AmbiguousMask },
        { """{"jobId":"x","kind":"inpainting","sourceImageKey":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","maskRectangles":[{"x":-1,"y":0,"width":1,"height":1}]}""", ContractErrorCodes.InvalidMaskRectangle },
        { """{"jobId":"x","kind":"inpainting","sourceImageKey":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","maskRectangles":[{"x":0,"y":0,"width":0,"height":1}]}""", ContractErrorCodes.InvalidMaskRectangle },
        { """{"jobId":"x","kind":"inpainting","featherPixels":300,"sourceImageKey":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","maskRectangles":[{"x":0,"y":0,"width":1,"height":1}]}""", ContractErrorCodes.FeatherOutOfRange },
    };

    [Theory]
    [MemberData(nameof(InvalidJobs))]
    public void Validate_InvalidJob_RejectedBySchemaAndRulesWithCode(string json, string expectedCode)
    {
        var message = System.Text.Json.JsonSerializer.Deserialize<SubmitJob>(json, ContractJson.Options)!;

        Assert.NotEmpty(Schemas.Errors("submit-job", JsonNode.Parse(json)));
        Assert.Contains(expectedCode, SubmitJobRules.Validate(message).Select(e => e.Code));
    }

    [Fact]
    public void Validate_CodeBuiltJobs_HaveNoErrors()
    {
        foreach (var job in new[] { Messages.Generation, Messages.Variation, Messages.InpaintingWithRectangles, Messages.InpaintingWithMaskImage, Messages.Minimal })
        {
            Assert.Empty(SubmitJobRules.Validate(job));
        }
    }

    [Fact]
    public void Validate_BatchWithDuplicateIdsOrForeignBatchId_Rejected()
    {
        var batch = new SubmitBatch { BatchId = "b", Jobs = [Messages.Minimal, Messages.Minimal, Messages.Variation with { BatchId = "other" }] };

        var codes = SubmitJobRules.Validate(batch).Select(e => e.Code).ToList();

        Assert.Contains(ContractErrorCodes.InvalidBatch, codes);
        Assert.Contains(ContractErrorCodes.InvalidBatchId, codes);
        Assert.NotEmpty(Schemas.Errors("submit-batch", JsonNode.Parse("""{"batchId":"b","jobs":[]}""")));
        Assert.Contains(ContractErrorCodes.InvalidBatch, SubmitJobRules.Validate(new SubmitBatch { BatchId = "b", Jobs = [] }).Select(e => e.Code));
    }

    [Theory]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("/etc/passwd")]
    [InlineData("C:x")]
    [InlineData("a\nb")]
    [InlineData("a\n")]
    [InlineData("a b")]
    [InlineData("ü")]
    [InlineData("")]
    [InlineData(null)]
    public void JobIds_UnsafeOrMalformed_Invalid(string? id) => Assert.False(JobIds.IsValid(id));

    [Fact]
    public void JobIds_UuidAnd128Characters_Valid()
    {
        Assert.True(JobIds.IsValid(JobIds.New()));
        Assert.True(JobIds.IsValid(new string('a', 128)));
        Assert.False(JobIds.IsValid(new string('a', 129)));
    }

    [Theory]
    [InlineData(JobPriorities.Interactive, 9)]
    [InlineData(JobPriorities.Standard, 5)]
    [InlineData(JobPriorities.Bulk, 1)]
    [InlineData("unknown", 5)]
    [InlineData(null, 5)]
    public void ToAmqpPriority_MapsClassesBelowMaxPriority(string? priority, int expected)
    {
        Assert.Equal(expected, JobPriorities.ToAmqpPriority(priority));
        Assert.True(JobPriorities.ToAmqpPriority(priority) <= JobPriorities.MaxAmqpPriority);
    }
}
