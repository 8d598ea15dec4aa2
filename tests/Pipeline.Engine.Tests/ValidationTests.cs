using Pipeline.Contracts;

namespace Pipeline.Engine.Tests;

public class ValidationTests
{
    public static TheoryData<EngineJob, string, string> BadJobs()
    {
        var generation = EngineHarness.Generation("bad", 1, 4);
        var inpainting = EngineHarness.Inpainting("bad", 1, 4);
        return new TheoryData<EngineJob, string, string>
        {
            { generation with { Priority = PriorityClass.Bulk, Steps = 0 }, "steps_out_of_range", "steps must be between 1 and 256 for priority class bulk; got 0" },
            { generation with { Steps = -2 }, "steps_out_of_range", "for priority class standard; got -2" },
            { generation with { Steps = 257 }, "steps_out_of_range", "between 1 and 256 for priority class standard; got 257" },
            { generation with { Temperature = float.NaN }, "invalid_temperature", "temperature must be a finite number above 0; got NaN" },
            { generation with { Temperature = 0f }, "invalid_temperature", "got 0" },
            { generation with { TopK = 0 }, "top_k_out_of_range", "topK must be between 1 and the codebook size 16; got 0" },
            { generation with { TopK = 17 }, "top_k_out_of_range", "got 17" },
            { generation with { ModelPack = "nope" }, "unknown_model", "unknown model pack 'nope'; available: fake-4x4" },
            { generation with { Order = (UnmaskOrder)9 }, "unknown_order", "order must be one of reference, exact-k, confidence; got '9'" },
            { generation with { Kind = (JobKind)7 }, "unknown_kind", "kind must be one of generation, variation, inpainting, outpainting, stitching; got '7'" },
            { generation with { Priority = (PriorityClass)5 }, "unknown_priority", "priority must be one of interactive, standard, bulk; got '5'" },
            { generation with { JobId = " " }, "invalid_job_id", "jobId must match" },
            { generation with { JobId = "../up" }, "invalid_job_id", "jobId must match" },
            { EngineHarness.Variation("bad", 1, 4, 1.5f), "strength_out_of_range", "strength must be above 0 and at most 1; got 1.5" },
            { EngineHarness.Variation("bad", 1, 4, 0f), "strength_out_of_range", "got 0" },
            { EngineHarness.Variation("bad", 1, 4, 0.5f) with { SourceImage = default }, "missing_source_image", "variation needs a source image" },
            { EngineHarness.Variation("bad", 1, 4, 0.5f) with { SourceImage = new byte[] { FakeImageCodec.Undecodable } }, "image_undecodable", "not a PNG or JPEG" },
            { inpainting with { MaskRectangles = [] }, "missing_mask", "needs a mask image (white = regenerate) or mask rectangles" },
            { inpainting with { MaskImage = new byte[] { 1 } }, "ambiguous_mask", "not both" },
            { inpainting with { MaskRectangles = [new MaskRectangle { X = 100, Y = 100, Width = 5, Height = 5 }] }, "empty_mask", "the mask covers no part of the image" },
            { inpainting with { FeatherPixels = -1f }, "feather_out_of_range", "featherPixels must be between 0 and 256; got -1" },
            { inpainting with { FeatherPixels = 300f }, "feather_out_of_range", "got 300" },
        };
    }

    [Theory]
    [MemberData(nameof(BadJobs))]
    public async Task RunAsync_BadInput_ThrowsInvalidJobWithStableCodeAndActionableMessage(EngineJob job, string code, string message)
    {
        await using var harness = new EngineHarness();

        var error = await Assert.ThrowsAsync<InvalidJobException>(() => harness.Engine.RunAsync(job));

        Assert.Equal(code, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Denoiser.Entered);
    }

    [Fact]
    public async Task RunAsync_BadJobAmongGoodOnes_FailsAloneAndTheOthersFinishUnchanged()
    {
        var expected = await EngineHarness.RunAloneAsync(EngineHarness.Generation("good-1", 1, 5));
        await using var harness = new EngineHarness();

        var good = harness.Engine.RunAsync(EngineHarness.Generation("good-1", 1, 5));
        var bad = harness.Engine.RunAsync(EngineHarness.Generation("bad", 2, 5) with { Temperature = -1f });
        var other = harness.Engine.RunAsync(EngineHarness.Generation("good-2", 3, 5));

        Assert.Equal("invalid_temperature", (await Assert.ThrowsAsync<InvalidJobException>(() => bad)).Code);
        Assert.Equal(expected, (await good).Tokens);
        Assert.Equal(EngineHarness.N, (await other).Tokens.Length);
    }
}
