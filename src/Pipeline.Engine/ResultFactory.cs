using Pipeline.Contracts;

namespace Pipeline.Engine;

/// <summary>Builds the metadata of a finished job from its state and timestamps.</summary>
internal static class ResultFactory
{
    public static EngineResult Create(JobState state, byte[] png, TimeProvider time)
    {
        var job = state.Job;
        var prepared = state.Prepared;
        // A canvas job (docs/canvas.md) has a canvas sampler and the canvas's size; a model-size job its token sampler and the pack's.
        var (initialMasked, tokens) = state.Canvas is { } canvas
            ? (canvas.InitialMasked, canvas.Tokens.ToArray())
            : (state.Sampler!.InitialMasked, state.Sampler.Tokens.ToArray());
        var metadata = new ResultMetadata
        {
            JobId = job.JobId,
            Kind = JobKinds.Name(job.Kind),
            ModelPack = prepared.Pack.Name,
            ModelVersion = prepared.Pack.Version,
            DenoiserPrecision = prepared.Pack.DenoiserPrecision,
            Seed = job.Seed,
            Priority = JobPriorities.Name(job.Priority),
            StepsRequested = state.Steps.Requested,
            StepsUsed = state.Steps.Used,
            Order = UnmaskOrders.Name(prepared.Settings.Order),
            Temperature = prepared.Settings.Temperature,
            TopK = prepared.Settings.TopK,
            Strength = prepared.Strength,
            MaskedTokens = initialMasked,
            SourceFit = prepared.Source?.Description,
            // Variation and inpainting come back at their source's resolution (ResultImage); Source.Transform knows it.
            ImageWidth = prepared.Canvas?.WidthPx ?? prepared.Source?.Transform.SourceWidth ?? prepared.Pack.ImageWidth,
            ImageHeight = prepared.Canvas?.HeightPx ?? prepared.Source?.Transform.SourceHeight ?? prepared.Pack.ImageHeight,
            CanvasWindows = prepared.Canvas?.Windows.Count,
            ForwardPasses = state.ForwardPasses,
            Timings = new JobTimings(
                QueuedMs: Ms(time, state.EnqueuedAt, state.AdmittedAt),
                EncodeMs: state.EncodeStartedAt == 0 ? 0 : Ms(time, state.EncodeStartedAt, state.EncodeEndedAt),
                SampleMs: Ms(time, state.SampleStartedAt, state.SampleEndedAt),
                DecodeMs: Ms(time, state.DecodeStartedAt, state.FinishedAt),
                TotalMs: Ms(time, state.StartedAt, state.FinishedAt)),
        };
        return new EngineResult(job.JobId, png, tokens, metadata);
    }

    public static double Ms(TimeProvider time, long from, long to) => time.GetElapsedTime(from, to).TotalMilliseconds;
}
