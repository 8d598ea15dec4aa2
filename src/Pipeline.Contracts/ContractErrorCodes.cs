namespace Pipeline.Contracts;

/// <summary>
/// Every code a job can be rejected or fail with for its input: what <see cref="SubmitJobRules"/> reports, and what only
/// a worker can find out (an unknown model pack, an image that does not decode, a mask that covers nothing). The
/// engine applies the same <see cref="JobParameterRules"/> with the same codes, so a client sees one code whether the
/// API or the worker caught the problem.
/// </summary>
public static class ContractErrorCodes
{
    /// <summary>Job id missing or not matching <see cref="JobIds.Pattern"/>.</summary>
    public const string InvalidJobId = "invalid_job_id";

    /// <summary>Batch id not matching <see cref="JobIds.Pattern"/>, or a job's batch id differs from its batch's.</summary>
    public const string InvalidBatchId = "invalid_batch_id";

    /// <summary>Kind not one of <see cref="JobKinds"/>.</summary>
    public const string UnknownKind = "unknown_kind";

    /// <summary>Priority not one of <see cref="JobPriorities"/>.</summary>
    public const string UnknownPriority = "unknown_priority";

    /// <summary>Order not one of <see cref="UnmaskOrders"/>.</summary>
    public const string UnknownOrder = "unknown_order";

    /// <summary>Model pack name empty or longer than 128 characters.</summary>
    public const string InvalidModelPack = "invalid_model_pack";

    /// <summary>Seed outside 0 … 2^53−1.</summary>
    public const string SeedOutOfRange = "seed_out_of_range";

    /// <summary>Steps below 1 or above <see cref="SubmitJobRules.MaxSteps"/>.</summary>
    public const string StepsOutOfRange = "steps_out_of_range";

    /// <summary>Temperature not finite or not above 0.</summary>
    public const string InvalidTemperature = "invalid_temperature";

    /// <summary>TopK below 1.</summary>
    public const string TopKOutOfRange = "top_k_out_of_range";

    /// <summary>Strength not in (0, 1], or given for a kind other than variation.</summary>
    public const string StrengthOutOfRange = "strength_out_of_range";

    /// <summary>Variation or inpainting without a source image.</summary>
    public const string MissingSourceImage = "missing_source_image";

    /// <summary>Inpainting with neither a mask image nor rectangles.</summary>
    public const string MissingMask = "missing_mask";

    /// <summary>Inpainting with both a mask image and rectangles.</summary>
    public const string AmbiguousMask = "ambiguous_mask";

    /// <summary>A rectangle with a negative corner or a non-positive size, or too many rectangles.</summary>
    public const string InvalidMaskRectangle = "invalid_mask_rectangle";

    /// <summary>An input key not matching <see cref="InputKeys.Pattern"/>, or an input given for a kind that takes none.</summary>
    public const string InvalidInputKey = "invalid_input_key";

    /// <summary>Feather not finite or outside 0 … 256.</summary>
    public const string FeatherOutOfRange = "feather_out_of_range";

    /// <summary>Callback URL not an absolute http or https URL.</summary>
    public const string InvalidCallbackUrl = "invalid_callback_url";

    /// <summary>A batch with no jobs, more than <see cref="SubmitBatch.MaxJobs"/>, or a job id twice.</summary>
    public const string InvalidBatch = "invalid_batch";

    /// <summary>No model pack of that name on the worker (or no default pack configured).</summary>
    public const string UnknownModel = "unknown_model";

    /// <summary>An input key that names nothing in the input store.</summary>
    public const string InputNotFound = "input_not_found";

    /// <summary>An image (source or mask) of zero bytes.</summary>
    public const string ImageEmpty = "image_empty";

    /// <summary>An image of an unknown or unsupported format, or data the decoder itself refused.</summary>
    public const string ImageUndecodable = "image_undecodable";

    /// <summary>An image of a known format whose data ends before the image does (a cut-off upload or download).</summary>
    public const string ImageTruncated = "image_truncated";

    /// <summary>
    /// An image of a known format whose parts contradict each other (sizes, checksums, a frame outside its canvas) or whose
    /// compressed data is corrupt: decoding it would give garbage, not the image.
    /// </summary>
    public const string ImageInconsistent = "image_inconsistent";

    /// <summary>An image over the byte, pixel or side-length limits (checked on its header before decoding), or with EXIF over 64 KiB.</summary>
    public const string ImageTooLarge = "image_too_large";

    /// <summary>A mask image whose size is neither the source image's nor the model's.</summary>
    public const string MaskSizeMismatch = "mask_size_mismatch";

    /// <summary>A mask that selects no pixel, or a rectangle outside the image or with no area.</summary>
    public const string MaskInvalid = "mask_invalid";

    /// <summary>A mask whose pixels, fitted to the model size, cover no token.</summary>
    public const string EmptyMask = "empty_mask";

    /// <summary>A sampler's confidence-noise setting (set by hosts, never by a message) not finite or below 0.</summary>
    public const string InvalidConfidenceNoise = "invalid_confidence_noise";

    /// <summary>A sampler's other confidence-schedule knob (set by hosts from a pack manifest, never by a message) out of range.</summary>
    public const string InvalidConfidenceSchedule = "invalid_confidence_schedule";

    /// <summary>
    /// A job message that names a valid job id but cannot be read as a job (a field of the wrong type, a required field
    /// missing or null): the worker records the job as failed with this code and a sentence naming the field.
    /// </summary>
    public const string MalformedMessage = "malformed_message";

    // Canvas jobs (larger than the model's image): see JobParameterRules.Canvas*.

    /// <summary>A canvas width or height that is not a multiple of the pack's token size, or smaller than the model's image.</summary>
    public const string CanvasSizeInvalid = "canvas_size_invalid";

    /// <summary>A canvas (generated, outpainted or stitched) whose area is over the configured maximum (default 8× the model's).</summary>
    public const string CanvasTooLarge = "canvas_too_large";

    /// <summary>A canvas stride outside 1 … the model's token grid side.</summary>
    public const string CanvasStrideOutOfRange = "canvas_stride_out_of_range";

    /// <summary>A canvas whose windows at that stride are more than one step of this worker may run.</summary>
    public const string CanvasTooManyWindows = "canvas_too_many_windows";

    /// <summary>Outpainting with a negative extension, or none at all.</summary>
    public const string ExtendInvalid = "extend_invalid";

    /// <summary>Stitching with a join below 0 or wider than the canvas allows.</summary>
    public const string JoinOutOfRange = "join_out_of_range";

    /// <summary>A canvas field given for a kind that takes none (e.g. extend on a generation).</summary>
    public const string CanvasFieldNotAllowed = "canvas_field_not_allowed";
}
