using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Pipeline.Api.Endpoints;
using Pipeline.Api.Submission;
using Pipeline.Contracts;
using Pipeline.Contracts.Fleet;
using Pipeline.Scheduler.Contracts;
using Pipeline.Storage.Jobs;

namespace Pipeline.Api.Hosting;

/// <summary>
/// The example of each JSON body the API's OpenAPI document shows (<see cref="OpenApiBodyExamples"/>): one per body
/// type, one per operation for a body without a type (result metadata), and a problem per status code. Written as the
/// API writes them (<see cref="ContractJson"/>), so an example is a body the API could send or accept.
/// </summary>
internal static class BodyExamples
{
    private static readonly DateTimeOffset Submitted = new(2026, 3, 1, 3, 0, 0, TimeSpan.Zero);

    private static readonly JobView Queued = new()
    {
        JobId = "nightly-0601.0",
        BatchId = "nightly-0601",
        Kind = JobKinds.Variation,
        Priority = JobPriorities.Bulk,
        Status = "queued",
        Progress = new JobProgressView(0, 0),
        SubmittedAt = Submitted,
        StatusUrl = "/v1/jobs/nightly-0601.0",
    };

    private static readonly JobView Succeeded = Queued with
    {
        Status = "succeeded",
        Progress = new JobProgressView(24, 24),
        StepsUsed = 24,
        Attempts = 1,
        StartedAt = Submitted.AddSeconds(2),
        FinishedAt = Submitted.AddSeconds(3.4),
        ResultUrl = "/v1/jobs/nightly-0601.0/result",
        MetadataUrl = "/v1/jobs/nightly-0601.0/metadata",
    };

    private static readonly JobRequest Variation = new()
    {
        Kind = JobKinds.Variation,
        Priority = JobPriorities.Standard,
        SourceImageKey = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        Strength = 0.4f,
        Steps = 32,
        Seed = 7,
    };

    private static readonly AugmentationSchedule Schedule = new()
    {
        Id = "emoji-nightly",
        Cron = "0 3 * * *",
        Source = new ScheduleSource { Folder = "emoji" },
        Variations = new VariationSpec { PerImage = 4, MinStrength = 0.3f, MaxStrength = 0.7f },
        Inpaints = new InpaintSpec { PerImage = 2, MinCoverage = 0.1f, MaxCoverage = 0.4f },
        Steps = 32,
        ModelPack = "emoji-32",
    };

    private static readonly ScheduleRunView CompletedRun = new()
    {
        ScheduleId = "emoji-nightly",
        PeriodStart = Submitted,
        BatchId = "aug-emoji-nightly-20260301T030000Z",
        Status = "completed",
        Jobs = 30,
        Succeeded = 30,
        DatasetPath = "/data/datasets/emoji-nightly/20260301T030000Z",
        CreatedAt = Submitted,
        SubmittedAt = Submitted.AddSeconds(1),
        CompletedAt = Submitted.AddMinutes(4),
    };

    private static readonly Dictionary<Type, object> ByType = new()
    {
        [typeof(JobRequest)] = Variation,
        [typeof(JobView)] = Queued,
        [typeof(CancelRequest)] = new CancelRequest("superseded by nightly-0602"),
        [typeof(BatchRequest)] = new BatchRequest
        {
            BatchId = "nightly-0601",
            Jobs = [new JobRequest { Kind = JobKinds.Generation, Steps = 32, Seed = 1 }, Variation],
        },
        [typeof(BatchView)] = new BatchView
        {
            BatchId = "nightly-0601",
            Status = "open",
            ExpectedJobs = 2,
            Counts = new BatchCounts(1, 0, 1, 0, 0),
            SubmittedAt = Submitted,
            StatusUrl = "/v1/batches/nightly-0601",
        },
        [typeof(BatchJobsPage)] = new BatchJobsPage([Succeeded], null),
        [typeof(UploadedInput)] = new UploadedInput("sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 1843),
        [typeof(FleetStatus)] = new FleetStatus
        {
            Workers =
            [
                new FleetWorker
                {
                    WorkerId = "gpu-node-3-a1b2c3",
                    Host = "gpu-node-3",
                    ExecutionProvider = "cuda",
                    CudaDeviceId = 0,
                    DenoiserPrecision = "fp32",
                    Packs = [new FleetPack("emoji-32", "1.0.0")],
                    SlotsTotal = 16,
                    SlotsBusy = 12,
                    JobsDone = 4711,
                    Version = "1.0.0",
                    StartedAt = Submitted.AddHours(-6),
                    LastSeenAt = Submitted,
                },
            ],
            Queue = new FleetBacklog
            {
                ByPriority = new Dictionary<string, int> { ["interactive"] = 0, ["standard"] = 3, ["bulk"] = 120 },
                Total = 123,
                Oldest = new WaitingJob { JobId = "nightly-0601.17", Priority = "bulk", SubmittedAt = Submitted.AddMinutes(-4), WaitingSeconds = 240 },
            },
            Throughput = new FleetThroughput { WindowSeconds = 60, Succeeded = 540, Failed = 1, Canceled = 0, ImagesPerSecond = 9 },
            WorkerTimeoutSeconds = 30,
            GeneratedAt = Submitted,
        },
        [typeof(AugmentationSchedule)] = Schedule,
        [typeof(IReadOnlyList<AugmentationSchedule>)] = new[] { Schedule },
        [typeof(RunNowResult)] = new RunNowResult("emoji-nightly", Submitted, "aug-emoji-nightly-20260301T030000Z", "4711", null),
        [typeof(IReadOnlyList<ScheduleRunView>)] = new[]
        {
            CompletedRun,
            CompletedRun with
            {
                PeriodStart = Submitted.AddDays(-1),
                BatchId = "aug-emoji-nightly-20260228T030000Z",
                Status = "failed",
                Jobs = 0,
                Succeeded = null,
                DatasetPath = null,
                Error = "source folder 'emoji' does not exist under the source root",
                CreatedAt = Submitted.AddDays(-1),
                SubmittedAt = null,
                CompletedAt = null,
            },
        },
    };

    // Bodies without a CLR type in the description, by operation id.
    private static readonly Dictionary<string, object> ByOperation = new(StringComparer.Ordinal)
    {
        ["GetJobMetadata"] = new
        {
            jobId = "nightly-0601.0", kind = JobKinds.Variation, modelPack = "emoji-32", modelVersion = "1.2.0", denoiserPrecision = "fp32",
            seed = 7, priority = JobPriorities.Bulk, stepsRequested = 32, stepsUsed = 24, order = "confidence", temperature = 1.0,
            strength = 0.4, maskedTokens = 26, sourceFit = "resize 64x64 -> 32x32 (center-crop)", imageWidth = 32, imageHeight = 32,
            forwardPasses = 24, timings = new { queuedMs = 812.0, encodeMs = 3.1, sampleMs = 402.7, decodeMs = 5.2, totalMs = 1223.0 },
        },
    };

    /// <summary>The example of a request or response body of <paramref name="type"/> in <paramref name="operationId"/>, or null.</summary>
    public static JsonNode? For(string? operationId, int status, Type? type)
    {
        if (type is not null && ByType.TryGetValue(type, out var typed))
        {
            return Serialize(ReferenceEquals(typed, Queued) && status == StatusCodes.Status200OK && operationId == "GetJob" ? Succeeded : typed);
        }

        if (type is not null && typeof(ProblemDetails).IsAssignableFrom(type))
        {
            return Problem(status, validation: typeof(HttpValidationProblemDetails).IsAssignableFrom(type));
        }

        return operationId is not null && ByOperation.TryGetValue(operationId, out var untyped) ? Serialize(untyped) : null;
    }

    private static JsonNode Problem(int status, bool validation)
    {
        if (validation)
        {
            return Serialize(new
            {
                type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                title = "The request is not valid",
                status,
                errors = new Dictionary<string, string[]> { ["steps"] = ["steps must be between 1 and 256"] },
                codes = new Dictionary<string, string[]> { ["steps"] = [ContractErrorCodes.StepsOutOfRange] },
            });
        }

        (string Title, string Detail) problem = status switch
        {
            StatusCodes.Status400BadRequest => ("invalid schedule", "cron '61 * * * *': minute field: 61 is out of range 0-59"),
            StatusCodes.Status404NotFound => ("Not found", "no job has the id 'nightly-0601.9'"),
            StatusCodes.Status409Conflict => ("Job already ended", "job nightly-0601.0 has already ended (succeeded); it keeps that outcome"),
            StatusCodes.Status413PayloadTooLarge => ("The upload is too large", "the input is over Pipeline:Storage:Files:MaxInputBytes (16777216 bytes)"),
            StatusCodes.Status422UnprocessableEntity => ("the schedule's source cannot make a run", "source folder 'emoji' does not exist under the source root"),
            StatusCodes.Status503ServiceUnavailable => ("The job was recorded but not queued yet",
                "the broker did not take the message within 15 s; retry with the same job id (or Idempotency-Key) to queue it"),
            _ => (Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), "what went wrong, in words"),
        };
        return Serialize(new
        {
            type = $"https://tools.ietf.org/html/rfc9110#section-15.{(status >= 500 ? 6 : 5)}",
            title = problem.Title,
            status,
            detail = problem.Detail,
        });
    }

    private static JsonNode Serialize(object value) => JsonSerializer.SerializeToNode(value, value.GetType(), ContractJson.Options)!;
}
