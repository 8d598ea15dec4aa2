using System.ComponentModel.DataAnnotations;

namespace Pipeline.Storage;

/// <summary>Where results and uploaded inputs live on disk. Bound from <see cref="SectionName"/>.</summary>
public sealed class FileStorageOptions
{
    /// <summary>The configuration section: <c>Pipeline:Storage:Files</c>.</summary>
    public const string SectionName = "Pipeline:Storage:Files";

    /// <summary>
    /// The store's root folder (created when missing): results go under <c>results/</c>, inputs under <c>inputs/</c>.
    /// Several workers may share it (e.g. a network volume): writes are atomic renames. Default
    /// <see cref="DefaultRootPath"/>; container images set <c>/data</c>.
    /// </summary>
    [Required]
    public string RootPath { get; set; } = DefaultRootPath;

    /// <summary>
    /// <c>pipeline</c> in the user's local data folder (on Linux <c>$XDG_DATA_HOME/pipeline</c>, else
    /// <c>~/.local/share/pipeline</c>): one absolute root, so the Api, the workers and the Scheduler started on one machine
    /// share a store whatever their working directory (<c>dotnet run</c> starts each in its own project folder). Empty, so
    /// that a root must be configured, for a user without a home folder.
    /// </summary>
    public static string DefaultRootPath { get; } =
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify) is { Length: > 0 } data
            ? Path.Join(data, "pipeline")
            : "";

    /// <summary>The largest upload accepted, in bytes. Default 16 MiB; 1 byte to 1 GiB.</summary>
    [Range(1L, 1L << 30)]
    public long MaxInputBytes { get; set; } = 16L * 1024 * 1024;
}
