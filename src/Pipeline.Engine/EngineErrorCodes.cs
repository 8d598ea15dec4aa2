namespace Pipeline.Engine;

/// <summary>Stable <see cref="InvalidJobException.Code"/> values the engine raises itself (sampling codes pass through).</summary>
public static class EngineErrorCodes
{
    public const string UnknownModel = "unknown_model";
    public const string MissingJobId = "missing_job_id";
    public const string UnknownKind = "unknown_kind";
    public const string UnknownPriority = "unknown_priority";
    public const string UnknownOrder = "unknown_order";
    public const string MissingSourceImage = "missing_source_image";
    public const string MissingMask = "missing_mask";
    public const string AmbiguousMask = "ambiguous_mask";
    public const string EmptyMask = "empty_mask";
    public const string FeatherOutOfRange = "feather_out_of_range";
}
