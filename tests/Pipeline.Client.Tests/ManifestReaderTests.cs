using Pipeline.Contracts;

namespace Pipeline.Client.Tests;

public class ManifestReaderTests
{
    private static Task<SubmitBatch> Read(string text) => ManifestReader.ReadAsync(new StringReader(text), "batch-1");

    private static async Task<IReadOnlyList<ManifestError>> Errors(string text) =>
        (await Assert.ThrowsAsync<ManifestException>(() => Read(text))).Errors;

    [Fact]
    public async Task Read_ValidLinesWithBlanks_JobsInOrderWithBatchIdAndDerivedIds()
    {
        var batch = await Read("""
            {"jobId":"a","kind":"generation","seed":1,"priority":"bulk"}

            {"kind":"generation","steps":32}
            """);

        Assert.Equal("batch-1", batch.BatchId);
        Assert.Equal(["a", "batch-1-000003"], batch.Jobs.Select(j => j.JobId));
        Assert.All(batch.Jobs, j => Assert.Equal("batch-1", j.BatchId));
        Assert.Equal(JobPriorities.Bulk, batch.Jobs[0].Priority);
        Assert.Equal(32, batch.Jobs[1].Steps);
    }

    [Fact]
    public async Task Read_BrokenJson_ReportsLineAndColumn()
    {
        var errors = await Errors("""
            {"jobId":"a","kind":"generation"}
            {"jobId":"b","kind":"generation"}
            {"jobId":"c", kind:"generation"}
            """);

        var error = Assert.Single(errors);
        Assert.Equal(3, error.Line);
        Assert.Equal("invalid_json", error.Code);
        Assert.Contains("column", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("line 3: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_RuleViolationsOnSeveralLines_AllReportedWithContractCodes()
    {
        var errors = await Errors("""
            {"jobId":"a","kind":"sketch"}
            {"jobId":"b","kind":"generation","steps":0}
            {"jobId":"c","kind":"variation"}
            """);

        Assert.Equal([(1, ContractErrorCodes.UnknownKind), (2, ContractErrorCodes.StepsOutOfRange), (3, ContractErrorCodes.MissingSourceImage)],
            errors.Select(e => (e.Line, e.Code)));
    }

    [Fact]
    public async Task Read_WrongTypeForProperty_NamesThePath()
    {
        var error = Assert.Single(await Errors("""{"jobId":"a","kind":"generation","seed":"seven"}"""));

        Assert.Equal("invalid_job", error.Code);
        Assert.Contains("seed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_DuplicateJobId_PointsToFirstLine()
    {
        var error = Assert.Single(await Errors("""
            {"jobId":"a","kind":"generation"}
            {"jobId":"a","kind":"generation"}
            """));

        Assert.Equal(2, error.Line);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_OtherBatchId_Rejected()
    {
        var error = Assert.Single(await Errors("""{"jobId":"a","kind":"generation","batchId":"other"}"""));

        Assert.Equal(ContractErrorCodes.InvalidBatchId, error.Code);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("42")]
    public async Task Read_LineNotAnObject_Rejected(string line) =>
        Assert.Equal("invalid_json", Assert.Single(await Errors(line)).Code);

    [Fact]
    public async Task Read_Empty_Rejected() =>
        Assert.Equal(ContractErrorCodes.InvalidBatch, Assert.Single(await Errors("\n\n")).Code);

    [Fact]
    public async Task Read_MoreThanMaxJobs_ReportsTheFirstLineOver()
    {
        var text = string.Join('\n', Enumerable.Range(1, SubmitBatch.MaxJobs + 1).Select(i => $$"""{"jobId":"j{{i}}","kind":"generation"}"""));

        var error = Assert.Single(await Errors(text));

        Assert.Equal(SubmitBatch.MaxJobs + 1, error.Line);
    }

    [Fact]
    public async Task Read_ManyBadLines_StopsAtMaxErrors()
    {
        var text = string.Join('\n', Enumerable.Repeat("{", 500));

        Assert.Equal(ManifestReader.MaxErrors, (await Errors(text)).Count);
    }
}
