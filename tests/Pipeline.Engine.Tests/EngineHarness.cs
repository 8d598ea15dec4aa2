using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts;
using Pipeline.Sampling;

namespace Pipeline.Engine.Tests;

/// <summary>A <see cref="JobEngine"/> over fakes: an 8×8 image, a 4×4 token grid (N = 16), a codebook of 16.</summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public const int Width = 8, Height = 8, LatentHeight = 4, LatentWidth = 4, CodebookSize = 16, N = 16;
    public const string PackName = "fake-4x4";

    /// <param name="meters">Where the engine publishes its metrics; null: none.</param>
    /// <param name="confidence">The pack's confidence knobs (manifest sampling.confidence); null: the defaults.</param>
    /// <param name="overlapDecode">EngineOptions.OverlapDecode; null: its default.</param>
    /// <param name="maxFinishingBatches">EngineOptions.MaxFinishingBatches; null: its default.</param>
    public EngineHarness(int maxBatch = 16, StepBudgetPolicy? budgets = null, TimeProvider? time = null, IMeterFactory? meters = null,
        ConfidenceSchedule? confidence = null, bool? overlapDecode = null, int? maxFinishingBatches = null)
    {
        Denoiser = new FakeDenoiser(N, CodebookSize);
        Codec = new FakeVqCodec(Width, Height, LatentHeight, LatentWidth, CodebookSize);
        Images = new FakeImageCodec(Width, Height);
        Canvas = new FakeCanvasCodec(Width / LatentWidth, LatentHeight, LatentWidth, CodebookSize);
        var pack = new EngineModelPack(PackName, "1.0-test", Width, Height, LatentHeight, LatentWidth, CodebookSize, Denoiser, Codec)
        {
            Budgets = budgets ?? StepBudgetPolicy.Default,
            Canvas = Canvas,
            Confidence = confidence ?? ConfidenceSchedule.Default,
        };
        Options = new EngineOptions { MaxBatch = maxBatch };
        Options.OverlapDecode = overlapDecode ?? Options.OverlapDecode;
        Options.MaxFinishingBatches = maxFinishingBatches ?? Options.MaxFinishingBatches;
        Engine = new JobEngine(new FakePackSource(pack), Images, Options, time ?? TimeProvider.System, NullLogger<JobEngine>.Instance, meters);
    }

    public FakeDenoiser Denoiser { get; }
    public FakeVqCodec Codec { get; }
    public FakeImageCodec Images { get; }
    public FakeCanvasCodec Canvas { get; }
    public EngineOptions Options { get; }
    public JobEngine Engine { get; }

    /// <summary>A source whose token at position p is SourceBytes[p] mod V (see the fakes).</summary>
    public static byte[] SourceBytes { get; } = [.. Enumerable.Range(0, N).Select(p => (byte)(3 + p * 5 % 11))];

    public static long[] SourceTokens => [.. SourceBytes.Select(b => (long)(b % CodebookSize))];

    public static EngineJob Generation(string id, long seed, int steps, UnmaskOrder order = UnmaskOrder.Reference,
        PriorityClass priority = PriorityClass.Standard) =>
        new() { JobId = id, Kind = JobKind.Generation, Seed = seed, Steps = steps, Order = order, Priority = priority };

    public static EngineJob Variation(string id, long seed, int steps, float strength) =>
        new() { JobId = id, Kind = JobKind.Variation, Seed = seed, Steps = steps, Strength = strength, SourceImage = SourceBytes };

    /// <summary>Inpainting of the top-left 3×3 pixels: the 2×2 top-left tokens (patches are 2×2 pixels).</summary>
    public static EngineJob Inpainting(string id, long seed, int steps, byte[]? source = null) =>
        new()
        {
            JobId = id, Kind = JobKind.Inpainting, Seed = seed, Steps = steps, Order = UnmaskOrder.Confidence,
            SourceImage = source ?? SourceBytes, MaskRectangles = [new MaskRectangle { X = 0, Y = 0, Width = 3, Height = 3 }],
        };

    /// <summary>The tokens <paramref name="job"/> gives when it runs alone in a fresh engine.</summary>
    public static async Task<long[]> RunAloneAsync(EngineJob job, bool? overlapDecode = null)
    {
        await using var alone = new EngineHarness(overlapDecode: overlapDecode);
        return (await alone.Engine.RunAsync(job)).Tokens;
    }

    public async ValueTask DisposeAsync()
    {
        // Stop first, then open the gate: opened first, a gated job could run all its (fake, instant) steps and finish
        // before the stop is requested, and a test expecting it canceled would see it completed.
        var disposing = Engine.DisposeAsync();
        Denoiser.Gate.Set();
        Codec.DecodeGate.Set();
        await disposing;
    }
}
