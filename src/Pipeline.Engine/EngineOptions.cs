using System.ComponentModel.DataAnnotations;
using Pipeline.Inference;

namespace Pipeline.Engine;

/// <summary>
/// Settings of a <see cref="JobEngine"/>. Read once, when the engine is built. A host binds <see cref="Budgets"/> from
/// <see cref="BudgetsSection"/>; the worker takes the others from its own settings.
/// </summary>
public sealed class EngineOptions
{
    /// <summary>The configuration section a host binds <see cref="OverlapDecode"/> and <see cref="MaxFinishingBatches"/> from: <c>Pipeline:Engine</c>.</summary>
    public const string Section = "Pipeline:Engine";

    /// <summary>The configuration section of <see cref="Budgets"/>: <c>Pipeline:Engine:Budgets</c>.</summary>
    public const string BudgetsSection = "Pipeline:Engine:Budgets";

    /// <summary>Slots per model pack: the most rows one forward pass takes. Default 16.</summary>
    [Range(1, 4096)]
    public int MaxBatch { get; set; } = 16;

    /// <summary>Variation strength when a job names none. Default 0.5.</summary>
    [Range(0.0, 1.0)]
    public float DefaultStrength { get; set; } = 0.5f;

    /// <summary>Inpainting feather width in pixels when a job names none. Default 2.</summary>
    [Range(0.0, 256.0)]
    public float DefaultFeatherPixels { get; set; } = 2f;

    /// <summary>Largest canvas a job may ask for, as a multiple of the model's image area. Default 8.</summary>
    [Range(1, 64)]
    public int MaxCanvasAreaFactor { get; set; } = 8;

    /// <summary>
    /// Most model windows one canvas job may need per step (its forward rows); a canvas needing more than
    /// <see cref="MaxBatch"/> runs alone in a larger batch. Default 32.
    /// </summary>
    [Range(1, 4096)]
    public int MaxCanvasWindows { get; set; } = 32;

    /// <summary>The configuration key of <see cref="CanvasOnePassMaxTokens"/> in the worker: <c>Pipeline:Engine:Canvas:OnePassMaxTokens</c>.</summary>
    public const string CanvasOnePassMaxTokensKey = "Pipeline:Engine:Canvas:OnePassMaxTokens";

    /// <summary>
    /// On packs whose encoder and decoder take any size (manifest schemaVersion 2), the largest canvas in tokens (grid
    /// height × width) that is encoded and decoded in one pass; larger canvases go through model-size tiles blended over
    /// half-tile overlaps. The one pass is not local (GroupNorm over the whole canvas, attention across it), so far
    /// beyond the model's size it is noisier than tiles and its attention memory grows with the square of the token
    /// count (docs/canvas.md, "One pass or tiles"). 0: always tiles. Default 512 (emoji-32: 128×64 px, its largest canvas
    /// under the default <see cref="MaxCanvasAreaFactor"/>; measured: up to 512 tokens the one pass steps about a quarter
    /// more than tiles between adjacent pixels, at 1,024 tokens over 40 % more).
    /// </summary>
    [Range(0, 1 << 24)]
    public int CanvasOnePassMaxTokens { get; set; } = 512;

    /// <summary>Stitching: the generated join's width in pixels when a job names none. Default 16.</summary>
    [Range(0, 2048)]
    public int DefaultJoinPixels { get; set; } = 16;

    /// <summary>
    /// Lower standard and bulk jobs toward their class minimum as the backlog grows. Default true; false (a local run,
    /// with no queue to shed) gives every class a backlog threshold of 0, so each job runs the steps it asked for.
    /// </summary>
    public bool DegradeUnderBacklog { get; set; } = true;

    /// <summary>
    /// Decode finished jobs off the loop thread (docs/architecture.md §4): the batched VQGAN decode, compositing, PNG and
    /// result of the jobs that finished in one iteration run on the pack's finisher thread while the loop goes on with the
    /// next iteration's forward. Same tokens and bytes either way; false runs them in series on the loop. Default false:
    /// on a shared 2-core host it measured no faster (README, Benchmarks; `pipeline bench` prints both side by side) —
    /// the decoder's threads take cores from the forward's; turn it on where the bench shows it pays (more cores).
    /// </summary>
    public bool OverlapDecode { get; set; }

    /// <summary>
    /// With <see cref="OverlapDecode"/>: decode batches handed to the finisher and not yet finished (the one it is
    /// decoding included) before the loop waits for it; bounds the memory of finished but undecoded jobs. Default 2.
    /// </summary>
    [Range(1, 64)]
    public int MaxFinishingBatches { get; set; } = 2;

    /// <summary>
    /// The deployment's step budgets, by pack name (any case), in the shape of the manifest's <c>sampling.priorities</c>:
    /// what is given here wins over the pack's manifest (see <see cref="PackStepBudgets"/>).
    /// </summary>
    public Dictionary<string, PriorityStepBudgets> Budgets { get; } = new(StringComparer.OrdinalIgnoreCase);
}
