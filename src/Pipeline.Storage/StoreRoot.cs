namespace Pipeline.Storage;

/// <summary>
/// The canonical root folder of a file store and the one way to turn ids into paths under it. Ids are checked
/// by pattern first (<see cref="StorageIds"/>); this checks the final path again, so that no id can steer a
/// path outside the root whatever the pattern lets through.
/// </summary>
internal sealed class StoreRoot
{
    public StoreRoot(string rootPath)
    {
        if (string.IsNullOrWhiteSpace(rootPath))
        {
            throw new ArgumentException("a storage root path is required", nameof(rootPath));
        }

        FullPath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootPath));
    }

    /// <summary>The root, absolute, without a trailing separator.</summary>
    public string FullPath { get; }

    /// <summary>
    /// <paramref name="segments"/> joined under the root. Each segment must be a single plain name (no separator,
    /// no <c>.</c> or <c>..</c>, no control character), and the canonical result must lie strictly inside the root.
    /// </summary>
    public string Resolve(params ReadOnlySpan<string> segments)
    {
        var path = FullPath;
        foreach (var segment in segments)
        {
            if (segment.Length == 0 || segment is "." or ".." || segment.AsSpan().IndexOfAny(Forbidden) >= 0 || segment.Any(char.IsControl))
            {
                throw new StorageInputException(StorageInputException.InvalidJobId, "a storage path segment is empty, relative or contains a separator");
            }

            path = Path.Join(path, segment);
        }

        var full = Path.GetFullPath(path);
        if (!full.StartsWith(FullPath + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new StorageInputException(StorageInputException.InvalidJobId, "a storage path would leave the store root");
        }

        return full;
    }

    private static readonly char[] Forbidden = ['/', '\\', ':', '\0'];
}
