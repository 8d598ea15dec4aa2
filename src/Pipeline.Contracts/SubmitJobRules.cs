using System.Globalization;

namespace Pipeline.Contracts;

/// <summary>
/// The checks a message can pass without a model pack: what the JSON Schemas say, in C#. The API runs them to
/// answer 400 at once; the worker runs them before recording a job. Each parameter's rule is
/// <see cref="JobParameterRules"/>, which the engine applies too, with the limits that depend on the pack (top-K up
/// to the codebook size, steps within the class budget); image checks are the engine's alone.
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

        void Apply(ContractError? error)
        {
            if (error is not null)
            {
                errors.Add(error);
            }
        }

        Apply(JobParameterRules.JobId(job.JobId));
        if (job.BatchId is not null && !JobIds.IsValid(job.BatchId))
        {
            Add(ContractErrorCodes.InvalidBatchId, $"batchId must match {JobIds.Pattern}");
        }

        Apply(JobParameterRules.Kind(job.Kind));
        Apply(JobParameterRules.Priority(job.Priority));
        Apply(job.Order is null ? null : JobParameterRules.Order(job.Order));
        Apply(job.ModelPack is { } pack ? JobParameterRules.ModelPack(pack) : null);

        if (job.Seed is { } seed && (seed < 0 || seed > MaxSeed))
        {
            Add(ContractErrorCodes.SeedOutOfRange, Inv($"seed must be between 0 and {MaxSeed}; got {seed}"));
        }

        Apply(job.Steps is { } steps ? JobParameterRules.Steps(steps, MaxSteps) : null);
        Apply(job.Temperature is { } t ? JobParameterRules.Temperature(t) : null);
        Apply(job.TopK is { } k ? JobParameterRules.TopK(k) : null);
        if (job.CallbackUrl is { } url && !(url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)))
        {
            Add(ContractErrorCodes.InvalidCallbackUrl, "callbackUrl must be an absolute http or https URL");
        }

        ValidateKindSpecific(job, Add, Apply);
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

    private static void ValidateKindSpecific(SubmitJob job, Action<string, string> add, Action<ContractError?> apply)
    {
        var kind = JobKinds.Parse(job.Kind);
        var needsSource = kind is JobKind.Variation or JobKind.Inpainting or JobKind.Outpainting or JobKind.Stitching;
        if (kind is { } known)
        {
            apply(JobParameterRules.SourceImage(known, job.SourceImageKey is not null));
        }

        if (!needsSource && job.SourceImageKey is not null && kind is not null)
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

        foreach (var error in CanvasParameterRules.Message(job, kind))
        {
            apply(error);
        }

        if (kind == JobKind.Inpainting)
        {
            apply(JobParameterRules.Mask(job.MaskImageKey is not null, job.MaskRectangles is { Count: > 0 }));
        }
        else if ((job.MaskImageKey is not null || job.MaskRectangles is not null
                     || (job.FeatherPixels is not null && kind is not (JobKind.Outpainting or JobKind.Stitching))) && kind is not null)
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

        apply(job.FeatherPixels is { } feather ? JobParameterRules.FeatherPixels(feather) : null);
        if (job.Strength is { } strength)
        {
            if (kind is not null and not JobKind.Variation)
            {
                add(ContractErrorCodes.StrengthOutOfRange, $"strength is for variation only; kind is {job.Kind}");
            }
            else
            {
                apply(JobParameterRules.Strength(strength));
            }
        }
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
