using System.ComponentModel.DataAnnotations;

namespace Pipeline.Storage;

/// <summary>Where results and uploaded inputs live on disk. Bound from <see cref="SectionName"/>.</summary>
public sealed class FileStorageOptions
{
    /// <summary>The configuration section: <c>Pipeline:Storage:Files</c>.</summary>
    public const string SectionName = "Pipeline:Storage:Files";

    /// <summary>
    /// Required. The store's root folder (created when missing): results go under <c>results/</c>, inputs under
    /// <c>inputs/</c>. Several workers may share it (e.g. a network volume): writes are atomic renames.
    /// </summary>
    [Required]
    public string RootPath { get; set; } = "";

    /// <summary>The largest upload accepted, in bytes. Default 16 MiB; 1 byte to 1 GiB.</summary>
    [Range(1L, 1L << 30)]
    public long MaxInputBytes { get; set; } = 16L * 1024 * 1024;
}
