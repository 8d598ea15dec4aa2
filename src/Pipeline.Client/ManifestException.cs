namespace Pipeline.Client;

/// <summary>A manifest has bad lines; <see cref="Errors"/> lists them in line order, and the message shows the first few.</summary>
public sealed class ManifestException(IReadOnlyList<ManifestError> errors)
    : Exception(Describe(errors))
{
    /// <summary>Every problem found, in line order.</summary>
    public IReadOnlyList<ManifestError> Errors { get; } = errors;

    private static string Describe(IReadOnlyList<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var shown = string.Join(Environment.NewLine, errors.Take(10).Select(e => "  " + e));
        var more = errors.Count > 10 ? $"{Environment.NewLine}  … and {errors.Count - 10} more" : "";
        return $"the manifest has {errors.Count} problem(s):{Environment.NewLine}{shown}{more}";
    }
}
