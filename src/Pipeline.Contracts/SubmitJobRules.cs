using System.Globalization;

namespace Pipeline.Contracts;

/// <summary>
/// The checks a message can pass without a model pack: what the JSON Schemas say, in C#. The API runs them to
/// answer 400 at once; the worker runs them before recording a job. Pack-dependent limits (top-K up to the
/// codebook size, steps within the class budget, image sizes) are the engine's to check.
/// </summary>
public static class SubmitJobRules
{
    /// <summary>Largest <see cref="SubmitJob.Steps"/> a message may carry; the priority class may allow fewer.</summary>
    public const int MaxSteps = 4096;

    /// <summary>Largest <see cref="SubmitJob.Seed"/>: 2^53−1, the largest integer every JSON client holds exactly.</summary>
    public const long MaxSeed = (1L << 53) - 1;

    /// <summary>Most rectangles in <see cref="SubmitJob.MaskRectangles"/>.</summary>
    public const int MaxMaskRectangles = 64;

    /// <summary>Largest <see cref="SubmitJob.FeatherPixels"/>.</summary>
    public const float MaxFeatherPixels = 256f;

    /// <summary>Longest <see cref="SubmitJob.ModelPack"/> name.</summary>
    public const int MaxModelPackLength = 128;

    /// <summary>Every problem with <paramref name="job"/>; empty when it is acceptable.</summary>
    public static IReadOnlyList<ContractError> Validate(SubmitJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var errors = new List<ContractError>();
        void Add(string code, string message) => errors.Add(new ContractError(code, message));

        if (!JobIds.IsValid(job.JobId))
        {
            Add(ContractErrorCodes.InvalidJobId, $"jobId must match {JobIds.Pattern}");
        }

        if (job.BatchId is not null && !JobIds.IsValid(job.BatchId))
        {
            Add(ContractErrorCodes.InvalidBatchId, $"batchId must match {JobIds.Pattern}");
        }

        if (!JobKinds.IsKnown(job.Kind))
        {
            Add(ContractErrorCodes.UnknownKind, $"kind must be one of {string.Join(", ", JobKinds.All)}; got '{job.Kind}'");
        }

        if (!JobPriorities.IsKnown(job.Priority))
        {
            Add(ContractErrorCodes.UnknownPriority, $"priority must be one of {string.Join(", ", JobPriorities.All)}; got '{job.Priority}'");
        }

        if (job.Order is not null && !UnmaskOrders.IsKnown(job.Order))
        {
            Add(ContractErrorCodes.UnknownOrder, $"order must be one of {string.Join(", ", UnmaskOrders.All)}; got '{job.Order}'");
        }

        if (job.ModelPack is { } pack && (pack.Length == 0 || pack.Length > MaxModelPackLength || pack.Any(char.IsControl)))
        {
            Add(ContractErrorCodes.InvalidModelPack, $"modelPack must be 1-{MaxModelPackLength} printable characters");
        }

        if (job.Seed is { } seed && (seed < 0 || seed > MaxSeed))
        {
            Add(ContractErrorCodes.SeedOutOfRange, Inv($"seed must be between 0 and {MaxSeed}; got {seed}"));
        }

        if (job.Steps is { } steps && (steps < 1 || steps > MaxSteps))
        {
            Add(ContractErrorCodes.StepsOutOfRange, Inv($"steps must be between 1 and {MaxSteps}; got {steps}"));
        }

        if (job.Temperature is { } t && !(float.IsFinite(t) && t > 0f))
        {
            Add(ContractErrorCodes.InvalidTemperature, Inv($"temperature must be a finite number above 0; got {t}"));
        }

        if (job.TopK is < 1)
        {
            Add(ContractErrorCodes.TopKOutOfRange, Inv($"topK must be at least 1; got {job.TopK}"));
        }

        if (job.CallbackUrl is { } url && !(url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
        {
            Add(ContractErrorCodes.InvalidCallbackUrl, "callbackUrl must be an absolute http or https URL");
        }

        ValidateKindSpecific(job, Add);
        return errors;
    }

    /// <summary>Every problem with <paramref name="batch"/> and its jobs; empty when it is acceptable.</summary>
    public static IReadOnlyList<ContractError> Validate(SubmitBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var errors = new List<ContractError>();
        if (!JobIds.IsValid(batch.BatchId))
        {
            errors.Add(new ContractError(ContractErrorCodes.InvalidBatchId, $"batchId must match {JobIds.Pattern}"));
        }

        if (batch.Jobs is null || batch.Jobs.Count == 0 || batch.Jobs.Count > SubmitBatch.MaxJobs)
        {
            errors.Add(new ContractError(ContractErrorCodes.InvalidBatch, Inv($"jobs must hold 1 to {SubmitBatch.MaxJobs} jobs")));
            return errors;
        }

        if (batch.CallbackUrl is { } url && !(url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
        {
            errors.Add(new ContractError(ContractErrorCodes.InvalidCallbackUrl, "callbackUrl must be an absolute http or https URL"));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Jobs.Count; i++)
        {
            var job = batch.Jobs[i];
            if (job.BatchId is not null && job.BatchId != batch.BatchId)
            {
                errors.Add(new ContractError(ContractErrorCodes.InvalidBatchId, Inv($"jobs[{i}].batchId must be absent or '{batch.BatchId}'")));
            }

            if (job.JobId is not null && !seen.Add(job.JobId))
            {
                errors.Add(new ContractError(ContractErrorCodes.InvalidBatch, Inv($"jobs[{i}].jobId '{job.JobId}' appears twice")));
            }

            foreach (var error in Validate(job))
            {
                errors.Add(error with { Message = Inv($"jobs[{i}]: {error.Message}") });
            }
        }

        return errors;
    }

    private static void ValidateKindSpecific(SubmitJob job, Action<string, string> add)
    {
        var needsSource = job.Kind is JobKinds.Variation or JobKinds.Inpainting;
        if (needsSource && job.SourceImageKey is null)
        {
            add(ContractErrorCodes.MissingSourceImage, $"{job.Kind} needs sourceImageKey");
        }
        else if (!needsSource && job.SourceImageKey is not null && JobKinds.IsKnown(job.Kind))
        {
            add(ContractErrorCodes.InvalidInputKey, $"{job.Kind} takes no sourceImageKey");
        }

        if (job.SourceImageKey is not null && !InputKeys.IsValid(job.SourceImageKey))
        {
            add(ContractErrorCodes.InvalidInputKey, $"sourceImageKey must match {InputKeys.Pattern}");
        }

        if (job.MaskImageKey is not null && !InputKeys.IsValid(job.MaskImageKey))
        {
            add(ContractErrorCodes.InvalidInputKey, $"maskImageKey must match {InputKeys.Pattern}");
        }

        var hasRectangles = job.MaskRectangles is { Count: > 0 };
        if (job.Kind == JobKinds.Inpainting)
        {
            if (job.MaskImageKey is null && !hasRectangles)
            {
                add(ContractErrorCodes.MissingMask, "inpainting needs maskImageKey or maskRectangles");
            }
            else if (job.MaskImageKey is not null && hasRectangles)
            {
                add(ContractErrorCodes.AmbiguousMask, "give maskImageKey or maskRectangles, not both");
            }
        }
        else if ((job.MaskImageKey is not null || job.MaskRectangles is not null || job.FeatherPixels is not null) && JobKinds.IsKnown(job.Kind))
        {
            add(ContractErrorCodes.InvalidInputKey, $"{job.Kind} takes no mask (maskImageKey, maskRectangles, featherPixels are for inpainting)");
        }

        if (job.MaskRectangles is { } rectangles)
        {
            if (rectangles.Count > MaxMaskRectangles)
            {
                add(ContractErrorCodes.InvalidMaskRectangle, Inv($"maskRectangles holds at most {MaxMaskRectangles} rectangles"));
            }

            for (var i = 0; i < rectangles.Count; i++)
            {
                var r = rectangles[i];
                if (r is null || r.X < 0 || r.Y < 0 || r.Width < 1 || r.Height < 1)
                {
                    add(ContractErrorCodes.InvalidMaskRectangle, Inv($"maskRectangles[{i}] needs x, y >= 0 and width, height >= 1"));
                }
            }
        }

        if (job.FeatherPixels is { } feather && !(float.IsFinite(feather) && feather >= 0f && feather <= MaxFeatherPixels))
        {
            add(ContractErrorCodes.FeatherOutOfRange, Inv($"featherPixels must be between 0 and {MaxFeatherPixels}; got {feather}"));
        }

        if (job.Strength is { } strength)
        {
            if (job.Kind != JobKinds.Variation && JobKinds.IsKnown(job.Kind))
            {
                add(ContractErrorCodes.StrengthOutOfRange, $"strength is for variation only; kind is {job.Kind}");
            }
            else if (!(strength > 0f && strength <= 1f))
            {
                add(ContractErrorCodes.StrengthOutOfRange, Inv($"strength must be above 0 and at most 1; got {strength}"));
            }
        }
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
