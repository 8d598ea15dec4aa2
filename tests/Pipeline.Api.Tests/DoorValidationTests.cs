using System.Net;
using System.Net.Http.Json;
using Pipeline.Contracts;
using Pipeline.TestSupport.Corpus;

namespace Pipeline.Api.Tests;

/// <summary>
/// Validation at the door: the whole hostile corpus through every way an image reaches the Api (raw and multipart
/// uploads, inline base64 and multipart jobs, batches, masks). No answer is a 5xx; every row the decoder rejects is a 422
/// with the row's code and no job recorded; masks that cannot be used are 422 with their code.
/// </summary>
public sealed class DoorValidationTests : IAsyncLifetime
{
    /// <summary>The input store's default limit: corpus rows over it are 413 (input_too_large), not decoded.</summary>
    private const long MaxInputBytes = 16L * 1024 * 1024;

    private InMemoryApi _api = null!;
    private HttpClient _http = null!;

    public static TheoryData<string> Paths => [.. Door.SourcePaths.Keys];

    public async Task InitializeAsync()
    {
        _api = await InMemoryApi.StartAsync();
        _http = _api.CreateHttp();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task HostileCorpus_ThroughEachUploadPath_RejectedRowsAre422WithTheirCodeAndNothingQueued(string path)
    {
        var failures = new List<string>();
        var index = 0;
        foreach (var row in HostileCorpus.Cases.Values)
        {
            var id = $"door-{path}-{index++}";
            var answer = await Door.SourcePaths[path](_http, row.File, id);
            var problem = Judge(row, answer, accepted: [HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Accepted]);
            if (problem is not null)
            {
                failures.Add($"{row.Name}: {problem}");
            }

            if (row.Expected is not null && await _api.Jobs.GetAsync(path.StartsWith("batch", StringComparison.Ordinal) ? id + ".0" : id) is not null)
            {
                failures.Add($"{row.Name}: rejected but a job was recorded");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task HostileCorpus_AsInpaintingMask_NoServerErrorAndRejectedRowsAre422WithTheirCode()
    {
        var source = ValidImages.Png(Encoded.Width, Encoded.Height);
        var failures = new List<string>();
        var index = 0;
        foreach (var row in HostileCorpus.Cases.Values)
        {
            var id = $"door-mask-{index++}";
            var answer = await Door.SendAsync(_http, "/v1/jobs", JsonContent.Create(new
            {
                jobId = id,
                kind = "inpainting",
                sourceImage = Convert.ToBase64String(source),
                maskImage = Convert.ToBase64String(row.File),
            }));

            // An accepted file is a picture, not a mask: it may mark no pixel or be of another size, both 422 with their code.
            var problem = row.Expected is null && answer.Status == HttpStatusCode.UnprocessableEntity
                ? answer.Codes.All(c => c is ContractErrorCodes.MaskInvalid or ContractErrorCodes.MaskSizeMismatch) ? null : $"unexpected codes: {answer}"
                : Judge(row, answer, accepted: [HttpStatusCode.Accepted]);
            if (problem is not null)
            {
                failures.Add($"{row.Name}: {problem}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Mask_OfAnotherSize_422MaskSizeMismatchNamingBothSizes()
    {
        var answer = await InpaintAsync("mask-size", ValidImages.Png(48, 40), ValidImages.Mask(20, 20, 0, 0, 5, 5));

        await AssertRefusedAsync(answer, "mask-size", ContractErrorCodes.MaskSizeMismatch, "maskImageKey", "20×20", "48×40");
    }

    [Fact]
    public async Task Mask_OfTheModelSize_Accepted()
    {
        var answer = await InpaintAsync("mask-model", ValidImages.Png(48, 40), ValidImages.Mask(32, 32, 0, 0, 5, 5));

        Assert.Equal(HttpStatusCode.Accepted, answer.Status);
    }

    [Fact]
    public async Task Mask_AllBlack_422MaskInvalid()
    {
        var answer = await InpaintAsync("mask-empty", ValidImages.Png(48, 40), ValidImages.Mask(48, 40, 0, 0, 0, 0));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal([ContractErrorCodes.MaskInvalid], answer.Codes);
        Assert.Contains("Mark at least one pixel", answer.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mask_SpreadWiderThanOneWorkRegion_422MaskInvalidSayingHowToSplitIt()
    {
        // 256×64 at a 32×32 model: one inpainting regenerates at most a 64×64 region; this mask spans 200 pixels.
        var answer = await InpaintAsync("mask-spread", ValidImages.Png(256, 64), ValidImages.Mask(256, 64, 20, 10, 200, 8));

        await AssertRefusedAsync(answer, "mask-spread", ContractErrorCodes.MaskInvalid, "maskImageKey", "200×8", "64×64", "Split the mask");
    }

    [Fact]
    public async Task Mask_InOneCornerOfALargeSource_Accepted()
    {
        var answer = await InpaintAsync("mask-corner", ValidImages.Png(256, 64), ValidImages.Mask(256, 64, 220, 40, 30, 20));

        Assert.Equal(HttpStatusCode.Accepted, answer.Status);
    }

    [Theory]
    [InlineData(20, 10, 200, 8, "Split the mask")] // spread over more than one 64×64 region
    [InlineData(300, 0, 8, 8, "lies outside")] // wholly outside the 256×64 source
    public async Task MaskRectangles_Unusable_422MaskInvalidAtTheDoor(int x, int y, int width, int height, string expected)
    {
        var answer = await InpaintRectanglesAsync("rects-bad", ValidImages.Png(256, 64), (0, 0, 4, 4), (x, y, width, height));

        await AssertRefusedAsync(answer, "rects-bad", ContractErrorCodes.MaskInvalid, "maskRectangles", expected);
    }

    [Fact]
    public async Task MaskRectangles_WithinOneRegion_Accepted()
    {
        var answer = await InpaintRectanglesAsync("rects-good", ValidImages.Png(256, 64), (200, 10, 20, 20), (230, 40, 40, 40));

        Assert.Equal(HttpStatusCode.Accepted, answer.Status);
    }

    [Fact]
    public async Task Mask_ByKeyOfAnotherSize_422MaskSizeMismatch()
    {
        var source = await UploadAsync(ValidImages.Png(48, 40));
        var mask = await UploadAsync(ValidImages.Mask(64, 64, 0, 0, 8, 8));

        var answer = await Door.SendAsync(_http, "/v1/jobs",
            JsonContent.Create(new { jobId = "mask-keys", kind = "inpainting", sourceImageKey = source, maskImageKey = mask }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal([ContractErrorCodes.MaskSizeMismatch], answer.Codes);
    }

    [Fact]
    public async Task Mask_MultipartOfTheSourceSize_Accepted()
    {
        var answer = await Door.SendAsync(_http, "/v1/jobs", Door.JobForm(new { jobId = "mask-form", kind = "inpainting" },
            ("sourceImage", ValidImages.Png(48, 40)), ("maskImage", ValidImages.Mask(48, 40, 10, 10, 8, 8))));

        Assert.Equal(HttpStatusCode.Accepted, answer.Status);
    }

    [Fact]
    public async Task SourceKey_NamingNothing_422InputNotFound()
    {
        var answer = await Door.SendAsync(_http, "/v1/jobs",
            JsonContent.Create(new { jobId = "no-input", kind = "variation", sourceImageKey = "sha256:" + new string('0', 64) }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal([ContractErrorCodes.InputNotFound], answer.Codes);
    }

    [Fact]
    public async Task FieldErrorAndBadImage_400ForTheWholeRequestWithBothCodes()
    {
        var answer = await Door.SendAsync(_http, "/v1/jobs", JsonContent.Create(new
        {
            kind = "variation",
            steps = 0,
            sourceImage = Convert.ToBase64String("not an image"u8.ToArray()),
        }));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains(ContractErrorCodes.ImageUndecodable, answer.Codes);
        Assert.Contains(ContractErrorCodes.StepsOutOfRange, answer.Codes);
    }

    [Fact]
    public async Task Batch_OneInlineImageInManyJobs_DecodedAndStoredOnce()
    {
        var image = Convert.ToBase64String(ValidImages.Png(40, 40, variant: 3));

        var answer = await Door.SendAsync(_http, "/v1/batches", JsonContent.Create(new
        {
            batchId = "same-image",
            jobs = Enumerable.Range(0, 5).Select(i => new { kind = "variation", sourceImage = image, seed = i }).ToArray(),
        }));

        Assert.True(answer.Status == HttpStatusCode.Accepted, answer.ToString());
        Assert.Equal(1, _api.Inputs.Puts);
    }

    /// <summary>Null when <paramref name="answer"/> is right for <paramref name="row"/>, else what is wrong.</summary>
    private static string? Judge(CorpusCase row, Door.Answer answer, HttpStatusCode[] accepted)
    {
        if ((int)answer.Status >= 500)
        {
            return $"server error {answer}";
        }

        if (row.File.LongLength > MaxInputBytes)
        {
            return answer.Status == HttpStatusCode.RequestEntityTooLarge ? null : $"over the input limit, expected 413: {answer}";
        }

        if (row.Expected is null)
        {
            return accepted.Contains(answer.Status) ? null : $"must be accepted: {answer}";
        }

        if (answer.Status != HttpStatusCode.UnprocessableEntity || !answer.Codes.Contains(row.Expected))
        {
            return $"expected 422 {row.Expected}: {answer}";
        }

        Door.AssertNoExceptionText(answer);
        return null;
    }

    private Task<Door.Answer> InpaintAsync(string id, byte[] source, byte[] mask) =>
        Door.SendAsync(_http, "/v1/jobs", JsonContent.Create(new
        {
            jobId = id,
            kind = "inpainting",
            sourceImage = Convert.ToBase64String(source),
            maskImage = Convert.ToBase64String(mask),
        }));

    /// <summary>422 with only <paramref name="code"/>, a message under <paramref name="field"/> saying each of <paramref name="phrases"/>, and no job recorded.</summary>
    private async Task AssertRefusedAsync(Door.Answer answer, string jobId, string code, string field, params string[] phrases)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.Status);
        Assert.Equal([code], answer.Codes);
        var message = answer.Body!["errors"]![field]![0]!.GetValue<string>();
        Assert.All(phrases, phrase => Assert.Contains(phrase, message, StringComparison.Ordinal));
        Assert.Null(await _api.Jobs.GetAsync(jobId));
    }

    private Task<Door.Answer> InpaintRectanglesAsync(string id, byte[] source, params (int X, int Y, int Width, int Height)[] rectangles) =>
        Door.SendAsync(_http, "/v1/jobs", JsonContent.Create(new
        {
            jobId = id,
            kind = "inpainting",
            sourceImage = Convert.ToBase64String(source),
            maskRectangles = rectangles.Select(r => new { x = r.X, y = r.Y, width = r.Width, height = r.Height }).ToArray(),
        }));

    private async Task<string> UploadAsync(byte[] bytes)
    {
        var answer = await Door.SendAsync(_http, "/v1/inputs", Door.Octets(bytes));
        Assert.True(answer.Status is HttpStatusCode.Created or HttpStatusCode.OK, answer.ToString());
        return answer.Body!["key"]!.GetValue<string>();
    }
}
