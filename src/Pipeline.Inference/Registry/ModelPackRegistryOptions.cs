namespace Pipeline.Inference;

/// <summary>Where packs are found and how they run. Bind from configuration section "ModelPacks".</summary>
public sealed record ModelPackRegistryOptions
{
    /// <summary>
    /// Folders whose subfolders are packs (each with a manifest.json); earlier folders win on a name clash.
    /// Default: &lt;AppContext.BaseDirectory&gt;/models (the embedded pack shipped with the app), then ./models.
    /// </summary>
    public IReadOnlyList<string> SearchDirectories { get; init; } =
        [Path.Combine(AppContext.BaseDirectory, "models"), Path.GetFullPath("models")];

    /// <summary>Pack used when a job names none. Default "emoji-32", the embedded pack.</summary>
    public string DefaultPackName { get; init; } = "emoji-32";

    /// <summary>Execution provider and threads for every pack.</summary>
    public InferenceOptions Inference { get; init; } = new();
}
