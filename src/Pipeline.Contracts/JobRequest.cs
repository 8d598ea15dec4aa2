namespace Pipeline.Contracts;

/// <summary>
/// The body of <c>POST /v1/jobs</c> (and one item of a batch): <see cref="SubmitJob"/>'s fields, every one optional
/// here except <see cref="Kind"/>, plus the source and mask images inline as base64 as an alternative to input keys.
/// The API reads it and the .NET client (Pipeline.Client) writes it, so both share this one definition. Kind is
/// nullable only so that the API can answer a body without one with a clear error.
/// </summary>
public sealed record JobRequest
{
    /// <summary>The job id and idempotency key; absent: the <c>Idempotency-Key</c> header, else a new UUID v7.</summary>
    public string? JobId { get; init; }

    /// <summary><c>generation</c>, <c>variation</c>, <c>inpainting</c>, <c>outpainting</c> or <c>stitching</c>.</summary>
    public string? Kind { get; init; }

    /// <summary><c>interactive</c>, <c>standard</c> (default) or <c>bulk</c>.</summary>
    public string? Priority { get; init; }

    /// <summary>Model pack; absent: the workers' default.</summary>
    public string? ModelPack { get; init; }

    /// <summary>Seed, 0 to 2^53−1; absent: derived from the job id.</summary>
    public long? Seed { get; init; }

    /// <summary>Sampling steps; absent: the class default.</summary>
    public int? Steps { get; init; }

    /// <summary><c>reference</c>, <c>exact-k</c> or <c>confidence</c>.</summary>
    public string? Order { get; init; }

    /// <summary>Softmax temperature above 0.</summary>
    public float? Temperature { get; init; }

    /// <summary>Top-K sampling.</summary>
    public int? TopK { get; init; }

    /// <summary>Variation strength in (0, 1].</summary>
    public float? Strength { get; init; }

    /// <summary>Source image as an input key from <c>POST /v1/inputs</c>.</summary>
    public string? SourceImageKey { get; init; }

    /// <summary>Source image bytes, base64 (instead of <see cref="SourceImageKey"/>).</summary>
    public string? SourceImage { get; init; }

    /// <summary>Mask image as an input key.</summary>
    public string? MaskImageKey { get; init; }

    /// <summary>Mask image bytes, base64 (instead of <see cref="MaskImageKey"/>).</summary>
    public string? MaskImage { get; init; }

    /// <summary>Inpainting rectangles in source pixels.</summary>
    public IReadOnlyList<MaskRectangle>? MaskRectangles { get; init; }

    /// <summary>Inpainting feather width in pixels.</summary>
    public float? FeatherPixels { get; init; }

    /// <summary>Generation at a canvas size: width in pixels (with <see cref="Height"/>).</summary>
    public int? Width { get; init; }

    /// <summary>Generation at a canvas size: height in pixels.</summary>
    public int? Height { get; init; }

    /// <summary>Canvas jobs: tokens between window origins.</summary>
    public int? Stride { get; init; }

    /// <summary>Outpainting: pixels added per side.</summary>
    public CanvasExtend? Extend { get; init; }

    /// <summary>Stitching: the second image as an input key.</summary>
    public string? SecondImageKey { get; init; }

    /// <summary>Stitching: the second image bytes, base64 (instead of <see cref="SecondImageKey"/>).</summary>
    public string? SecondImage { get; init; }

    /// <summary>Stitching: the generated join's width in pixels.</summary>
    public int? JoinPixels { get; init; }

    /// <summary>Stitching: stack the second image below the first.</summary>
    public bool? Vertical { get; init; }

    /// <summary>Where the terminal event is POSTed.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>The request for <paramref name="job"/> (its batch id and submission time are the API's to set).</summary>
    public static JobRequest From(SubmitJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return new JobRequest
        {
            JobId = job.JobId,
            Kind = job.Kind,
            Priority = job.Priority,
            ModelPack = job.ModelPack,
            Seed = job.Seed,
            Steps = job.Steps,
            Order = job.Order,
            Temperature = job.Temperature,
            TopK = job.TopK,
            Strength = job.Strength,
            SourceImageKey = job.SourceImageKey,
            MaskImageKey = job.MaskImageKey,
            MaskRectangles = job.MaskRectangles,
            FeatherPixels = job.FeatherPixels,
            Width = job.Width,
            Height = job.Height,
            Stride = job.Stride,
            Extend = job.Extend,
            SecondImageKey = job.SecondImageKey,
            JoinPixels = job.JoinPixels,
            Vertical = job.Vertical,
            CallbackUrl = job.CallbackUrl,
        };
    }
}
