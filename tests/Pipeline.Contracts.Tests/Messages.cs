using Pipeline.Contracts;

namespace Pipeline.Contracts.Tests;

/// <summary>Messages as the hosts build them: every property set, and the least a producer may send.</summary>
internal static class Messages
{
    public const string Source = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    public const string Mask = "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
    public static readonly DateTimeOffset At = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static SubmitJob Generation => new()
    {
        JobId = "01970f0e-3c2a-7b5e-9d3c-2f4e5a6b7c8d",
        Kind = JobKinds.Generation,
        BatchId = "batch-1",
        ModelPack = "emoji-32",
        Seed = SubmitJobRules.MaxSeed,
        Priority = JobPriorities.Interactive,
        Steps = 256,
        Order = UnmaskOrders.ExactK,
        Temperature = 0.7f,
        TopK = 32,
        CallbackUrl = new Uri("https://hooks.example.com/pipeline?job=1"),
        SubmittedAt = new DateTimeOffset(2025, 6, 1, 14, 0, 0, TimeSpan.FromHours(2)),
    };

    public static SubmitJob Variation => new()
    {
        JobId = "var.1",
        Kind = JobKinds.Variation,
        Seed = 0,
        Strength = 1f,
        SourceImageKey = Source,
        Order = UnmaskOrders.Confidence,
    };

    public static SubmitJob InpaintingWithRectangles => new()
    {
        JobId = "inp_1",
        Kind = JobKinds.Inpainting,
        Priority = JobPriorities.Bulk,
        SourceImageKey = Source,
        MaskRectangles = [new MaskRectangle { X = 0, Y = 4, Width = 8, Height = 1 }],
        FeatherPixels = 0f,
    };

    public static SubmitJob InpaintingWithMaskImage => new()
    {
        JobId = "inp-2",
        Kind = JobKinds.Inpainting,
        SourceImageKey = Source,
        MaskImageKey = Mask,
        FeatherPixels = 2.5f,
    };

    public static SubmitJob Minimal => new() { JobId = "j", Kind = JobKinds.Generation };

    public static IEnumerable<(string Schema, object Message)> All()
    {
        yield return ("submit-job", Generation);
        yield return ("submit-job", Variation);
        yield return ("submit-job", InpaintingWithRectangles);
        yield return ("submit-job", InpaintingWithMaskImage);
        yield return ("submit-job", Minimal);
        yield return ("submit-batch", new SubmitBatch
        {
            BatchId = "batch-1",
            Jobs = [Generation, Variation with { BatchId = "batch-1" }, InpaintingWithRectangles],
            CallbackUrl = new Uri("http://localhost:8080/done"),
            SubmittedAt = At,
        });
        yield return ("submit-batch", new SubmitBatch { BatchId = "b", Jobs = [Minimal] });
        yield return ("cancel-job", new CancelJob { JobId = "j", Reason = "no longer needed", RequestedAt = At });
        yield return ("cancel-job", new CancelJob { JobId = "j" });
        yield return ("job-accepted", new JobAccepted { JobId = "j", BatchId = "b", Kind = JobKinds.Variation, Priority = JobPriorities.Bulk, ModelPack = "emoji-32", AcceptedAt = At });
        yield return ("job-accepted", new JobAccepted { JobId = "j", Kind = JobKinds.Generation, Priority = JobPriorities.Standard, AcceptedAt = At });
        yield return ("job-progressed", new JobProgressed { JobId = "j", Step = 0, Steps = 1, At = At });
        yield return ("job-completed", new JobCompleted
        {
            JobId = "j.1",
            BatchId = "b",
            ResultKey = "results/j.1",
            ImageKey = "results/j.1/image.png",
            TokensKey = "results/j.1/tokens.json",
            MetadataKey = "results/j.1/metadata.json",
            ModelPack = "emoji-32",
            ModelVersion = "1.0.0",
            Seed = 12345,
            StepsRequested = 64,
            StepsUsed = 16,
            Order = UnmaskOrders.Reference,
            Timings = new ResultTimings { QueuedMs = 0, EncodeMs = 1.25, SampleMs = 300, DecodeMs = 4.5, TotalMs = 305.75 },
            CompletedAt = At,
        });
        yield return ("job-failed", new JobFailed { JobId = "j", Code = "steps_out_of_range", Message = "steps must be between 1 and 256", Retryable = false, Attempts = 1, FailedAt = At });
        yield return ("job-failed", new JobFailed { JobId = "j", BatchId = "b", Code = "internal_error", Message = "", Retryable = true, FailedAt = At });
        yield return ("job-canceled", new JobCanceled { JobId = "j", Reason = "user", CanceledAt = At });
        yield return ("job-canceled", new JobCanceled { JobId = "j", CanceledAt = At });
        yield return ("batch-completed", new BatchCompleted { BatchId = "b", Total = 3, Succeeded = 1, Failed = 1, Canceled = 1, CompletedAt = At });
    }
}
