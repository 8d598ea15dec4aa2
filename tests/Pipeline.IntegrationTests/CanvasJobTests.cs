using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests;

/// <summary>
/// Canvas jobs (docs/canvas.md) through the Api, RabbitMQ, PostgreSQL and a worker on the real emoji-32 pack (32×32 px,
/// 4 px tokens, 8×8 windows at stride 4): a wide generation, an outpainting and a stitching each stored once at the canvas's
/// size with the sources' pixels kept, and bad canvas sizes refused with their codes.
/// </summary>
[Collection(RealServices.Name)]
public sealed class CanvasJobTests
{
    private const int Steps = 4;
    private const int Feather = 2;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [ServiceFact]
    public async Task GenerationOutpaintingStitching_ThroughTheQueue_StoredOnceAtCanvasSizeSourcesKept()
    {
        await using var stack = await TestPipeline.StartAsync("canvas");
        var tap = await EventTap.StartAsync(stack, nameof(JobCompleted));
        await StartEmojiWorkerAsync(stack);
        var first = Source(1);
        var second = Source(2);
        var firstKey = await stack.Client.UploadAsync(PngWriter.Encode(first));
        var secondKey = await stack.Client.UploadAsync(PngWriter.Encode(second));

        await SubmitAcceptedAsync(stack, new { jobId = "wide", kind = "generation", modelPack = "emoji-32", steps = Steps, seed = 7, width = 96, height = 32 });
        await SubmitAcceptedAsync(stack, new
        {
            jobId = "outpainted", kind = "outpainting", modelPack = "emoji-32", steps = Steps, seed = 8, sourceImageKey = firstKey,
            extend = new { left = 16, right = 16 }, featherPixels = Feather,
        });
        await SubmitAcceptedAsync(stack, new
        {
            jobId = "stitched", kind = "stitching", modelPack = "emoji-32", steps = Steps, seed = 9, sourceImageKey = firstKey,
            secondImageKey = secondKey, joinPixels = 16, featherPixels = Feather,
        });
        string[] ids = ["wide", "outpainted", "stitched"];

        var jobs = await stack.Client.WaitForAllAsync(ids, Deadline);
        Assert.All(ids, id => Assert.Equal((id, "succeeded", 1, Steps),
            (id, jobs[id]["status"]!.GetValue<string>(), jobs[id]["attempts"]!.GetValue<int>(), jobs[id]["stepsUsed"]!.GetValue<int>())));
        // Stored once: one completion each, once every copy of every message has been handled, and one image per job in the store.
        await Poll.UntilAsync(async () => await stack.QueueDepthAsync(PipelineEndpoints.JobQueue) == 0, Deadline, () => "every job message handled");
        var completed = await tap.CountOnceEachArrivedAsync(nameof(JobCompleted), ids, Deadline);
        Assert.All(ids, id => Assert.Equal((id, 1), (id, completed.GetValueOrDefault(id))));
        Assert.All(ids, id => Assert.Single(Directory.EnumerateFiles(Path.Combine(stack.StorageRoot, "store"), "image.png", SearchOption.AllDirectories),
            path => path.Contains($"{Path.DirectorySeparatorChar}{id}{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));

        // Generation at 96×32: 24×8 tokens, windows at columns 0, 4, 8, 12, 16.
        var wide = await ResultAsync(stack, "wide");
        await AssertMetadataAsync(stack, "wide", "generation", 96, 32, windows: 5);
        Assert.Equal((96, 32), (wide.Width, wide.Height));

        // Outpainting 16 px each side: 64×32; the source sits at x 16..47, its top and bottom on the canvas border.
        var outpainted = await ResultAsync(stack, "outpainted");
        await AssertMetadataAsync(stack, "outpainted", "outpainting", 64, 32, windows: 3);
        Assert.Equal((64, 32), (outpainted.Width, outpainted.Height));
        AssertSourceKept(outpainted, first, left: 16, top: 0, columns: (Feather, 32 - Feather));

        // Stitching with a 16 px join: 80×32; the first image at x 0..31 (its right edge faces the join), the second at 48..79.
        var stitched = await ResultAsync(stack, "stitched");
        await AssertMetadataAsync(stack, "stitched", "stitching", 80, 32, windows: 4);
        Assert.Equal((80, 32), (stitched.Width, stitched.Height));
        AssertSourceKept(stitched, first, left: 0, top: 0, columns: (0, 32 - Feather));
        AssertSourceKept(stitched, second, left: 48, top: 0, columns: (Feather, 32));
    }

    [ServiceFact]
    public async Task BadCanvasSizes_RefusedWithTheirCodes_NothingRecordedOrStored()
    {
        await using var stack = await TestPipeline.StartAsync("canvas-bad");
        await StartEmojiWorkerAsync(stack);

        // What needs no pack is refused at the door: 400, the code on the field, no record.
        var (halfStatus, halfBody) = await stack.Client.SubmitAsync(new { jobId = "half-size", kind = "generation", modelPack = "emoji-32", steps = Steps, width = 96 });
        var (hugeStatus, hugeBody) = await stack.Client.SubmitAsync(new { jobId = "huge-size", kind = "generation", modelPack = "emoji-32", steps = Steps, width = 5000, height = 32 });
        Assert.Equal(HttpStatusCode.BadRequest, halfStatus);
        Assert.Equal(HttpStatusCode.BadRequest, hugeStatus);
        Assert.Contains(ContractErrorCodes.CanvasSizeInvalid, Codes(halfBody));
        Assert.Contains(ContractErrorCodes.CanvasSizeInvalid, Codes(hugeBody));

        // What needs the pack (its token size, its area limit) is the worker's: the job ends failed with the code, no result.
        await SubmitAcceptedAsync(stack, new { jobId = "off-token", kind = "generation", modelPack = "emoji-32", steps = Steps, width = 98, height = 32 });
        await SubmitAcceptedAsync(stack, new { jobId = "too-large", kind = "generation", modelPack = "emoji-32", steps = Steps, width = 512, height = 512 });
        await SubmitAcceptedAsync(stack, new { jobId = "after-bad", kind = "generation", modelPack = "emoji-32", steps = Steps, width = 64, height = 32 });
        var jobs = await stack.Client.WaitForAllAsync(["off-token", "too-large", "after-bad"], Deadline);

        AssertFailed(jobs["off-token"], ContractErrorCodes.CanvasSizeInvalid);
        AssertFailed(jobs["too-large"], ContractErrorCodes.CanvasTooLarge);
        Assert.Equal("succeeded", jobs["after-bad"]["status"]!.GetValue<string>());
        Assert.Null(await stack.Client.GetJobAsync("half-size"));
        Assert.Null(await stack.Client.GetJobAsync("huge-size"));
        foreach (var id in new[] { "off-token", "too-large" })
        {
            using var result = await stack.Client.Http.GetAsync(new Uri($"/v1/jobs/{id}/result", UriKind.Relative));
            Assert.NotEqual(HttpStatusCode.OK, result.StatusCode);
        }

        var stored = Directory.EnumerateFiles(Path.Combine(stack.StorageRoot, "store"), "*", SearchOption.AllDirectories).ToList();
        Assert.DoesNotContain(stored, path => path.Contains("off-token", StringComparison.Ordinal) || path.Contains("too-large", StringComparison.Ordinal)
            || path.Contains("half-size", StringComparison.Ordinal) || path.Contains("huge-size", StringComparison.Ordinal));
    }

    private static async Task StartEmojiWorkerAsync(TestPipeline stack) => await stack.StartWorkerAsync(new Dictionary<string, string?>
    {
        ["Pipeline:Models:SearchDirectories:0"] = Path.Combine(RepoPaths.Root, "models"),
        ["Pipeline:Models:DefaultPack"] = "emoji-32",
    });

    private static async Task SubmitAcceptedAsync(TestPipeline stack, object job)
    {
        var (status, body) = await stack.Client.SubmitAsync(job);
        Assert.True(status == HttpStatusCode.Accepted, $"{status}: {body.ToJsonString()}");
    }

    /// <summary>A 32×32 source with every byte different from its neighbours', so a moved or blended pixel shows.</summary>
    private static RgbImage Source(int seed)
    {
        var rgb = new byte[32 * 32 * 3];
        for (var i = 0; i < 32 * 32; i++)
        {
            var (x, y) = (i % 32, i / 32);
            rgb[3 * i] = (byte)((x * 8 + seed * 40) % 256);
            rgb[3 * i + 1] = (byte)((y * 8 + seed * 70) % 256);
            rgb[3 * i + 2] = (byte)((x * 5 + y * 3 + seed * 90) % 256);
        }

        return new RgbImage(32, 32, rgb);
    }

    private static async Task<RgbImage> ResultAsync(TestPipeline stack, string id)
    {
        var png = await stack.Client.Http.GetByteArrayAsync(new Uri($"/v1/jobs/{id}/result", UriKind.Relative));
        return new ImageCodec().Decode(png, "result");
    }

    private static async Task AssertMetadataAsync(TestPipeline stack, string id, string kind, int width, int height, int windows)
    {
        using var metadata = JsonDocument.Parse(await stack.Client.Http.GetStringAsync(new Uri($"/v1/jobs/{id}/metadata", UriKind.Relative)));
        var root = metadata.RootElement;
        Assert.Equal((id, kind, "emoji-32"), (root.GetProperty("jobId").GetString(), root.GetProperty("kind").GetString(), root.GetProperty("modelPack").GetString()));
        Assert.Equal((width, height, windows, Steps),
            (root.GetProperty("imageWidth").GetInt32(), root.GetProperty("imageHeight").GetInt32(), root.GetProperty("canvasWindows").GetInt32(),
                root.GetProperty("stepsUsed").GetInt32()));
    }

    /// <summary>The source's columns [from, to) (every row: its top and bottom lie on the canvas border) are its own bytes on the result.</summary>
    private static void AssertSourceKept(RgbImage result, RgbImage source, int left, int top, (int From, int To) columns)
    {
        for (var y = 0; y < source.Height; y++)
        {
            for (var x = columns.From; x < columns.To; x++)
            {
                var s = 3 * ((y * source.Width) + x);
                var r = 3 * (((y + top) * result.Width) + x + left);
                Assert.True(source.Rgb.AsSpan(s, 3).SequenceEqual(result.Rgb.AsSpan(r, 3)),
                    $"source pixel ({x}, {y}) at ({x + left}, {y + top}) on the canvas: {Hex(source.Rgb, s)} became {Hex(result.Rgb, r)}");
            }
        }
    }

    private static string Hex(byte[] rgb, int at) => Convert.ToHexString(rgb, at, 3);

    private static IEnumerable<string> Codes(JsonObject problem) =>
        problem["codes"]?.AsObject().SelectMany(field => field.Value!.AsArray().Select(code => code!.GetValue<string>())) ?? [];

    private static void AssertFailed(JsonObject job, string code)
    {
        Assert.Equal(("failed", code), (job["status"]!.GetValue<string>(), job["error"]!["code"]!.GetValue<string>()));
        Assert.False(job["error"]!["retryable"]!.GetValue<bool>());
        Assert.False(string.IsNullOrWhiteSpace(job["error"]!["message"]!.GetValue<string>()));
    }
}
