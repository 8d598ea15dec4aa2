using Pipeline.Contracts;

namespace Pipeline.Client.Tests;

public sealed class ManifestReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pipeline-manifest-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<Manifest> Read(string text, string batchId = "batch-1") => JobManifestReader.ReadAsync(new StringReader(text), batchId, _directory);

    private async Task<IReadOnlyList<ManifestError>> Errors(string text) =>
        (await Assert.ThrowsAsync<ManifestException>(() => Read(text))).Errors;

    [Fact]
    public async Task Read_ValidLinesWithBlanks_JobsInOrderWithDerivedIds()
    {
        var manifest = await Read("""
            {"jobId":"a","kind":"generation","seed":1,"priority":"bulk"}

            {"kind":"generation","steps":32,"batchId":"batch-1"}
            """);

        Assert.Equal("batch-1", manifest.BatchId);
        Assert.Equal(["a", "batch-1-000003"], manifest.Jobs.Select(j => j.Job.JobId));
        Assert.Equal([1, 3], manifest.Jobs.Select(j => j.Line));
        Assert.All(manifest.Jobs, j => Assert.Null(j.Job.BatchId));
        Assert.Equal(JobPriorities.Bulk, manifest.Jobs[0].Job.Priority);
        Assert.Equal(32, manifest.Jobs[1].Job.Steps);
        Assert.Equal(["batch-1"], manifest.Parts.Select(p => p.BatchId));
    }

    [Fact]
    public async Task Read_ImageFiles_ResolvedAgainstTheManifestFolderAndSharedImagesListedOnce()
    {
        Directory.CreateDirectory(Path.Join(_directory, "in"));
        await File.WriteAllBytesAsync(Path.Join(_directory, "in", "a.png"), [1, 2, 3]);
        await File.WriteAllBytesAsync(Path.Join(_directory, "mask.png"), [4]);

        var manifest = await Read("""
            {"kind":"variation","sourceImageFile":"in/a.png"}
            {"kind":"inpainting","sourceImageFile":"in/../in/a.png","maskImageFile":"mask.png"}
            {"kind":"inpainting","sourceImageKey":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","maskRectangles":[{"x":0,"y":0,"width":4,"height":4}]}
            """);

        Assert.Equal(Path.Join(_directory, "in", "a.png"), manifest.Jobs[0].SourceImage!.FilePath);
        Assert.Null(manifest.Jobs[0].Job.SourceImageKey);
        Assert.Equal(Path.Join(_directory, "mask.png"), manifest.Jobs[1].MaskImage!.FilePath);
        Assert.Null(manifest.Jobs[2].SourceImage);
        Assert.StartsWith("sha256:0123", manifest.Jobs[2].Job.SourceImageKey, StringComparison.Ordinal);
        Assert.Equal(2, manifest.Images.Count);
    }

    [Fact]
    public async Task Read_ImageProblems_EachOnItsLine()
    {
        await File.WriteAllBytesAsync(Path.Join(_directory, "empty.png"), []);
        await File.WriteAllBytesAsync(Path.Join(_directory, "ok.png"), [1]);

        var errors = await Errors("""
            {"kind":"variation","sourceImageFile":"missing.png"}
            {"kind":"variation","sourceImageFile":"empty.png"}
            {"kind":"variation","sourceImageFile":"ok.png","sourceImageKey":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
            {"kind":"variation","sourceImage":"not base64!"}
            {"kind":"variation"}
            {"kind":"generation","sourceImageFile":"ok.png"}
            {"kind":"inpainting","sourceImageFile":"ok.png"}
            """);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7], errors.Select(e => e.Line));
        Assert.Contains("missing.png' does not exist", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("is empty", errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("give one of sourceImageFile", errors[2].Message, StringComparison.Ordinal);
        Assert.Equal("invalid_base64", errors[3].Code);
        Assert.Equal(ContractErrorCodes.MissingSourceImage, errors[4].Code);
        Assert.Contains("sourceImageFile (a path)", errors[4].Message, StringComparison.Ordinal);
        Assert.Contains("generation takes no sourceImageFile", errors[5].Message, StringComparison.Ordinal);
        Assert.Equal(ContractErrorCodes.MissingMask, errors[6].Code);
    }

    [Fact]
    public async Task Read_UnknownField_RejectedNamingIt()
    {
        var error = Assert.Single(await Errors("""{"kind":"generation","step":4}"""));

        Assert.Equal(JobManifestReader.UnknownField, error.Code);
        Assert.Contains("'step'", error.Message, StringComparison.Ordinal);
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

    [Theory]
    [InlineData(SubmitBatch.MaxJobs, new[] { "b" })]
    [InlineData(SubmitBatch.MaxJobs + 1, new[] { "b-1", "b-2" })]
    [InlineData((9 * SubmitBatch.MaxJobs) + 1, new[] { "b-01", "b-02", "b-03", "b-04", "b-05", "b-06", "b-07", "b-08", "b-09", "b-10" })]
    public async Task Parts_MoreThanMaxJobs_SplitInLineOrderWithSortableIds(int jobs, string[] ids)
    {
        var manifest = await Read(string.Join('\n', Enumerable.Repeat("""{"kind":"generation"}""", jobs)), "b");

        Assert.Equal(ids, manifest.Parts.Select(p => p.BatchId));
        Assert.All(manifest.Parts.SkipLast(1), p => Assert.Equal(SubmitBatch.MaxJobs, p.Jobs.Count));
        Assert.Equal(manifest.Jobs, manifest.Parts.SelectMany(p => p.Jobs));
    }

    [Fact]
    public async Task Read_BatchIdTooLongForDerivedIds_ArgumentException() =>
        await Assert.ThrowsAsync<ArgumentException>(() => Read("""{"kind":"generation"}""", new string('b', JobManifestReader.MaxBatchIdLength + 1)));

    [Fact]
    public async Task Read_ManyBadLines_StopsAtMaxErrors()
    {
        var text = string.Join('\n', Enumerable.Repeat("{", 500));

        Assert.Equal(JobManifestReader.MaxErrors, (await Errors(text)).Count);
    }
}
