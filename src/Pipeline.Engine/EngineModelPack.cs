using Pipeline.Contracts;
using Pipeline.Inference;
using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>
/// What the engine needs of a model pack: its sizes and graphs, the sampling values a job may leave out, and the step
/// budgets of its priority classes. <see cref="RegistryPackSource"/> builds one per loaded pack from the Inference
/// project's ModelPack (manifest + sessions); the engine never disposes the denoiser or codec, their owner does.
/// </summary>
/// <param name="Name">Pack name used in jobs, e.g. "emoji-32".</param>
/// <param name="Version">Recorded in every result.</param>
/// <param name="ImageWidth">Model image width in pixels (manifest image.width).</param>
/// <param name="ImageHeight">Model image height in pixels (manifest image.height).</param>
/// <param name="LatentHeight">Token grid rows h (manifest latent.height).</param>
/// <param name="LatentWidth">Token grid columns w (manifest latent.width).</param>
/// <param name="CodebookSize">V; the MASK id is V (manifest codebookSize, maskId).</param>
public sealed record EngineModelPack(
    string Name,
    string Version,
    int ImageWidth,
    int ImageHeight,
    int LatentHeight,
    int LatentWidth,
    int CodebookSize,
    IDenoiser Denoiser,
    IVqCodec Codec)
{
    /// <summary>Which denoiser graph runs, as results record it: "fp32" (the pack's denoiser) or "int8" (its quantized one).</summary>
    public string DenoiserPrecision { get; init; } = "fp32";

    /// <summary>Where the graphs run, as telemetry labels it: "cpu" or "cuda" (the pack's active execution provider).</summary>
    public string Provider { get; init; } = "cpu";

    /// <summary>Temperature when a job names none (manifest sampling.defaultTemperature). Default 1.</summary>
    public float DefaultTemperature { get; init; } = 1f;

    /// <summary>Unmask order when a job names none (manifest sampling.defaultOrder). Default reference.</summary>
    public UnmaskOrder DefaultOrder { get; init; } = UnmaskOrder.Reference;

    /// <summary>The confidence order's schedule knobs (manifest sampling.confidence). Default <see cref="ConfidenceSchedule.Default"/>.</summary>
    public ConfidenceSchedule Confidence { get; init; } = ConfidenceSchedule.Default;

    /// <summary>
    /// The step budget of each priority class on this pack (manifest sampling, then the deployment's overrides; see
    /// <see cref="PackStepBudgets"/>). Default <see cref="StepBudgetPolicy.Default"/>.
    /// </summary>
    public StepBudgetPolicy Budgets { get; init; } = StepBudgetPolicy.Default;

    /// <summary>Encodes and decodes canvases larger than the model's image (canvas jobs); null: this pack serves none.</summary>
    public Inference.Canvas.ICanvasCodec? Canvas { get; init; }

    /// <summary>N = h × w tokens per image.</summary>
    public int SequenceLength => LatentHeight * LatentWidth;

    /// <summary>The engine's view of a loaded <paramref name="pack"/>, with the class budgets it runs under.</summary>
    /// <exception cref="InvalidOperationException">The manifest's sizes disagree with the pack's graphs.</exception>
    /// <param name="canvasOnePassMaxTokens">Canvases above this many tokens are tiled on a pack with dynamic graphs; null: one pass at every size.</param>
    public static EngineModelPack From(ModelPack pack, StepBudgetPolicy budgets, int? canvasOnePassMaxTokens = null)
    {
        ArgumentNullException.ThrowIfNull(pack);
        ArgumentNullException.ThrowIfNull(budgets);
        var m = pack.Manifest;
        var engine = new EngineModelPack(m.Name, m.Version, m.Image.Width, m.Image.Height, m.Latent.Height, m.Latent.Width,
            m.CodebookSize, pack.Denoiser, pack.Codec)
        {
            DenoiserPrecision = PrecisionLabel(pack.DenoiserPrecision),
            Provider = ProviderLabel(pack.ActiveProvider),
            DefaultTemperature = (float)(m.Sampling?.DefaultTemperature ?? 1.0),
            DefaultOrder = UnmaskOrders.Parse(m.Sampling?.DefaultOrder) ?? UnmaskOrder.Reference,
            Budgets = budgets,
            Canvas = new Canvas.DeferredCanvasCodec(pack, canvasOnePassMaxTokens),
            Confidence = ConfidenceFrom(m.Sampling?.Confidence),
        };
        engine.EnsureConsistent();
        return engine;
    }

    /// <summary>
    /// The sampler's knobs for a manifest's <c>sampling.confidence</c> (validated at load); defaults where it is silent.
    /// Each <c>bySteps</c> entry becomes a <see cref="ConfidenceStepRange"/> whose missing knobs are the base's.
    /// </summary>
    public static ConfidenceSchedule ConfidenceFrom(ConfidenceSamplingSpec? spec)
    {
        if (spec is null)
        {
            return ConfidenceSchedule.Default;
        }

        return Knobs(spec) with
        {
            BySteps = (spec.BySteps ?? []).Select(e => new ConfidenceStepRange(e.MinSteps ?? 1, Knobs(spec.Over(e)))).ToArray(),
        };

        static ConfidenceSchedule Knobs(ConfidenceSamplingSpec spec)
        {
            var d = ConfidenceSchedule.Default;
            return new ConfidenceSchedule
            {
                Noise = spec.Noise ?? d.Noise,
                NoiseAnneal = ConfidenceSchedule.ParseNoiseAnneal(spec.NoiseAnneal) ?? d.NoiseAnneal,
                Schedule = ConfidenceSchedule.ParseSchedule(spec.Schedule) ?? d.Schedule,
                TemperatureStart = spec.TemperatureStart ?? d.TemperatureStart,
                TemperatureEnd = spec.TemperatureEnd ?? d.TemperatureEnd,
            };
        }
    }

    /// <summary>The telemetry label of an active provider: "cuda" or "cpu".</summary>
    public static string ProviderLabel(ExecutionProvider provider) => provider == ExecutionProvider.Cuda ? "cuda" : "cpu";

    /// <summary>The telemetry label of a denoiser precision: "int8" or "fp32".</summary>
    public static string PrecisionLabel(DenoiserPrecision precision) => precision switch
    {
        Inference.DenoiserPrecision.Int8 => "int8",
        Inference.DenoiserPrecision.Float16 => "fp16",
        _ => "fp32",
    };

    /// <summary>Throws <see cref="InvalidOperationException"/> when the sizes disagree with the denoiser or codec.</summary>
    public void EnsureConsistent()
    {
        if (Denoiser.SequenceLength != SequenceLength || Codec.SequenceLength != SequenceLength
            || Denoiser.CodebookSize != CodebookSize || Codec.CodebookSize != CodebookSize
            || Codec.ImageWidth != ImageWidth || Codec.ImageHeight != ImageHeight)
        {
            throw new InvalidOperationException(
                $"model pack {Name} {Version}: manifest sizes (N={SequenceLength}, V={CodebookSize}, {ImageWidth}x{ImageHeight}) " +
                $"disagree with its graphs (denoiser N={Denoiser.SequenceLength}, V={Denoiser.CodebookSize}; " +
                $"codec N={Codec.SequenceLength}, V={Codec.CodebookSize}, {Codec.ImageWidth}x{Codec.ImageHeight})");
        }
    }
}
