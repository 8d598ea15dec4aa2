namespace Pipeline.Inference;

/// <summary>Model packs by name, loaded once and shared. What the engine depends on.</summary>
public interface IModelPackProvider
{
    /// <summary>The pack used when a job names none (e.g. "emoji-32").</summary>
    string DefaultPackName { get; }

    /// <summary>Names (manifest "name") of every pack found in the search directories, sorted.</summary>
    IReadOnlyList<string> AvailablePackNames { get; }

    /// <summary>The loaded pack called <paramref name="name"/>; loads it on first use.</summary>
    /// <exception cref="UnknownModelPackException">No pack has that name.</exception>
    /// <exception cref="ModelPackException">The pack exists but cannot be loaded.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Get is only reserved in Visual Basic; every consumer is C#.")]
    ModelPack Get(string name);
}
