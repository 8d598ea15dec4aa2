using System.Globalization;

namespace Pipeline.Contracts;

/// <summary>
/// The rule of each job parameter, in one place. <see cref="SubmitJobRules"/> applies them to messages; the engine and
/// the sampler apply them to jobs from any host, with the limits only a model pack knows (its codebook size, the step
/// budget of the job's class). So a value is judged, coded and explained the same wherever it is caught. Each rule
/// returns null when the value is acceptable.
/// </summary>
public static class JobParameterRules
{
    /// <summary>The job id follows <see cref="JobIds"/> (it names the result's folder).</summary>
    public static ContractError? JobId(string? jobId) =>
        JobIds.IsValid(jobId) ? null : new(ContractErrorCodes.InvalidJobId, $"jobId must match {JobIds.Pattern}");

    /// <summary>The kind is one of <see cref="JobKinds.All"/>.</summary>
    public static ContractError? Kind(string? kind) => JobKinds.IsKnown(kind)
        ? null
        : new(ContractErrorCodes.UnknownKind, $"kind must be one of {string.Join(", ", JobKinds.All)}; got '{kind}'");

    /// <summary>The priority is one of <see cref="JobPriorities.All"/>.</summary>
    public static ContractError? Priority(string? priority) => JobPriorities.IsKnown(priority)
        ? null
        : new(ContractErrorCodes.UnknownPriority, $"priority must be one of {string.Join(", ", JobPriorities.All)}; got '{priority}'");

    /// <summary>The order is one of <see cref="UnmaskOrders.All"/>.</summary>
    public static ContractError? Order(string? order) => UnmaskOrders.IsKnown(order)
        ? null
        : new(ContractErrorCodes.UnknownOrder, $"order must be one of {string.Join(", ", UnmaskOrders.All)}; got '{order}'");

    /// <summary>A model pack name is 1 to <see cref="SubmitJobRules.MaxModelPackLength"/> printable characters.</summary>
    public static ContractError? ModelPack(string modelPack) =>
        modelPack.Length is > 0 and <= SubmitJobRules.MaxModelPackLength && !modelPack.Any(char.IsControl)
            ? null
            : new(ContractErrorCodes.InvalidModelPack, $"modelPack must be 1-{SubmitJobRules.MaxModelPackLength} printable characters");

    /// <summary>
    /// 1 ≤ steps ≤ <paramref name="maximum"/> (no upper bound when null); <paramref name="priority"/> names the class
    /// whose budget set the maximum, when one did.
    /// </summary>
    public static ContractError? Steps(int steps, int? maximum, string? priority = null)
    {
        if (steps >= 1 && (maximum is null || steps <= maximum))
        {
            return null;
        }

        var range = maximum is { } max ? Inv($"between 1 and {max}") : "at least 1";
        var budget = priority is null ? string.Empty : $" for priority class {priority}";
        return new(ContractErrorCodes.StepsOutOfRange, Inv($"steps must be {range}{budget}; got {steps}"));
    }

    /// <summary>The temperature is a finite number above 0.</summary>
    public static ContractError? Temperature(float temperature) => float.IsFinite(temperature) && temperature > 0f
        ? null
        : new(ContractErrorCodes.InvalidTemperature, Inv($"temperature must be a finite number above 0; got {temperature}"));

    /// <summary>1 ≤ top-K, and at most the codebook size when it is known.</summary>
    public static ContractError? TopK(int topK, int? codebookSize = null)
    {
        if (topK >= 1 && (codebookSize is null || topK <= codebookSize))
        {
            return null;
        }

        return new(ContractErrorCodes.TopKOutOfRange, codebookSize is { } v
            ? Inv($"topK must be between 1 and the codebook size {v}; got {topK}")
            : Inv($"topK must be at least 1; got {topK}"));
    }

    /// <summary>A variation's strength (the fraction of tokens re-masked) is above 0 and at most 1.</summary>
    public static ContractError? Strength(float strength) => strength > 0f && strength <= 1f
        ? null
        : new(ContractErrorCodes.StrengthOutOfRange, Inv($"strength must be above 0 and at most 1; got {strength}"));

    /// <summary>An inpainting's feather width is between 0 and <see cref="SubmitJobRules.MaxFeatherPixels"/>.</summary>
    public static ContractError? FeatherPixels(float featherPixels) =>
        float.IsFinite(featherPixels) && featherPixels >= 0f && featherPixels <= SubmitJobRules.MaxFeatherPixels
            ? null
            : new(ContractErrorCodes.FeatherOutOfRange,
                Inv($"featherPixels must be between 0 and {SubmitJobRules.MaxFeatherPixels}; got {featherPixels}"));

    /// <summary>A variation or inpainting has a source image (a generation needs none).</summary>
    public static ContractError? SourceImage(JobKind kind, bool given) => given || kind == JobKind.Generation
        ? null
        : new(ContractErrorCodes.MissingSourceImage, $"{JobKinds.Name(kind)} needs a source image");

    /// <summary>An inpainting has exactly one mask: a mask image or rectangles.</summary>
    public static ContractError? Mask(bool hasImage, bool hasRectangles) => (hasImage, hasRectangles) switch
    {
        (true, true) => new(ContractErrorCodes.AmbiguousMask, "give either a mask image or mask rectangles, not both"),
        (false, false) => new(ContractErrorCodes.MissingMask,
            "inpainting needs a mask image (white = regenerate) or mask rectangles; none was given"),
        _ => null,
    };

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
