namespace Pipeline.Contracts;

/// <summary>
/// Command: run one generation, variation or inpainting job. Sent to the <see cref="PipelineEndpoints.JobQueue"/>
/// queue with the AMQP priority of <see cref="Priority"/> (see <see cref="JobPriorities.ToAmqpPriority"/>).
/// One message type for all kinds, so a plain-JSON (non-MassTransit) producer has one queue, one schema
/// (<c>schemas/submit-job.schema.json</c>) and one consumer behind it. Optional values left out (or null) take
/// the model pack's and the priority class's defaults; the values used are recorded in the result metadata.
/// </summary>
public sealed record SubmitJob
{
    /// <summary>
    /// Required. The client-chosen job id and idempotency key: submitting the same id twice runs the job once.
    /// 1–128 characters of <c>A-Z a-z 0-9 . _ -</c>, starting with a letter or digit (<see cref="JobIds"/>).
    /// </summary>
    public required string JobId { get; init; }

    /// <summary>Required. <c>generation</c>, <c>variation</c> or <c>inpainting</c> (<see cref="JobKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>Optional. The batch this job belongs to (same id rule as <see cref="JobId"/>); null for a single job.</summary>
    public string? BatchId { get; init; }

    /// <summary>Optional. Model pack name, e.g. <c>emoji-32</c>; null selects the worker's default pack.</summary>
    public string? ModelPack { get; init; }

    /// <summary>
    /// Optional. Sampling seed, 0 to 2^53−1 (so every JSON client round-trips it exactly). The same seed, pack,
    /// parameters and steps reproduce the same tokens. Null: the worker draws one and records it in the result.
    /// </summary>
    public long? Seed { get; init; }

    /// <summary><c>interactive</c>, <c>standard</c> (default) or <c>bulk</c> (<see cref="JobPriorities"/>).</summary>
    public string Priority { get; init; } = JobPriorities.Standard;

    /// <summary>
    /// Optional. Requested sampling steps, 1 or more; the priority class caps it (default budgets: at most 256)
    /// and may lower it under backlog toward the class minimum. Null takes the class default (64).
    /// </summary>
    public int? Steps { get; init; }

    /// <summary>Optional. <c>reference</c>, <c>exact-k</c> or <c>confidence</c> (<see cref="UnmaskOrders"/>); null takes the pack's default.</summary>
    public string? Order { get; init; }

    /// <summary>Optional. Softmax temperature, a finite number above 0; null takes the pack's default (usually 1.0).</summary>
    public float? Temperature { get; init; }

    /// <summary>Optional. Sample only among the K most likely codes, 1 to the codebook size; null samples from all.</summary>
    public int? TopK { get; init; }

    /// <summary>Variation only. Fraction of tokens re-masked, above 0 and at most 1; null takes the worker default (0.5).</summary>
    public float? Strength { get; init; }

    /// <summary>
    /// Variation and inpainting: required there, null for generation. The input-store key of the uploaded source
    /// image, <c>sha256:&lt;64 hex&gt;</c> (<see cref="InputKeys"/>). A reference, never the image bytes.
    /// </summary>
    public string? SourceImageKey { get; init; }

    /// <summary>
    /// Inpainting: the input-store key of a mask image (white = regenerate), the source's size or the model's
    /// size. Exactly one of <see cref="MaskImageKey"/> and <see cref="MaskRectangles"/> is given for inpainting.
    /// </summary>
    public string? MaskImageKey { get; init; }

    /// <summary>Inpainting: rectangles to regenerate, in source-image pixels, 1–64 of them (an alternative to <see cref="MaskImageKey"/>).</summary>
    public IReadOnlyList<MaskRectangle>? MaskRectangles { get; init; }

    /// <summary>Inpainting only. Width in pixels of the blended edge, 0 to 256; null takes the worker default (2).</summary>
    public float? FeatherPixels { get; init; }

    /// <summary>Optional. An absolute http(s) URL that receives a POST of the terminal event (completed, failed or canceled).</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>Optional. When the producer submitted the job; null: the worker uses the time it received the message.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    // Canvas jobs (images larger than the model's; see CanvasParameterRules and docs/canvas.md).

    /// <summary>Generation only. Canvas width in pixels: a multiple of the pack's token size, at least the model's; with <see cref="Height"/>. Null: the model's size.</summary>
    public int? Width { get; init; }

    /// <summary>Generation only. Canvas height in pixels; see <see cref="Width"/>.</summary>
    public int? Height { get; init; }

    /// <summary>Canvas jobs. Tokens between the origins of the model-size windows that sample the canvas, 1 … the model's grid side; null: half the grid.</summary>
    public int? Stride { get; init; }

    /// <summary>Outpainting: pixels added to each side of the source image; the new area is generated.</summary>
    public CanvasExtend? Extend { get; init; }

    /// <summary>Stitching: the input-store key of the second image (right of, or below, <see cref="SourceImageKey"/>).</summary>
    public string? SecondImageKey { get; init; }

    /// <summary>Stitching: width in pixels of the generated join between the two images; null takes the worker default (16).</summary>
    public int? JoinPixels { get; init; }

    /// <summary>Stitching: true stacks the second image below the first; false or null puts it to the right.</summary>
    public bool? Vertical { get; init; }
}
