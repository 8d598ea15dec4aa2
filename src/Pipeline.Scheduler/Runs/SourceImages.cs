namespace Pipeline.Scheduler.Runs;

/// <summary>
/// Lists a schedule's source images under the source root. Every path is resolved and checked to lie inside the
/// root (a manifest line like <c>../../etc/passwd</c> or a symlinked escape is refused), and the list is sorted
/// ordinally so the same folder yields the same plan on every machine. Problems are <see cref="UnusableSourceException"/>s.
/// </summary>
internal static class SourceImages
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif" };

    /// <summary>(path relative to the root with '/' separators, full path) for each image.</summary>
    public static IReadOnlyList<(string Relative, string FullPath)> List(string sourceRoot, ScheduleSource source)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(sourceRoot));
        IEnumerable<string> files;
        if (source.Folder is { } folder)
        {
            var directory = Inside(root, Path.Join(root, folder));
            if (!Directory.Exists(directory))
            {
                throw new UnusableSourceException($"source folder '{folder}' does not exist under the source root");
            }

            files = Directory.EnumerateFiles(directory).Where(f => Extensions.Contains(Path.GetExtension(f)));
        }
        else
        {
            var manifest = Inside(root, Path.Join(root, source.Manifest!));
            if (!File.Exists(manifest))
            {
                throw new UnusableSourceException($"source manifest '{source.Manifest}' does not exist under the source root");
            }

            var baseDirectory = Path.GetDirectoryName(manifest)!;
            files = File.ReadLines(manifest)
                .Select(line => line.Trim())
                .Where(line => line.Length > 0 && !line.StartsWith('#'))
                .Select(line => Inside(root, Path.Join(baseDirectory, line)))
                .Distinct(StringComparer.Ordinal);
        }

        var images = files
            .Select(full => (Relative: Path.GetRelativePath(root, full).Replace('\\', '/'), FullPath: full))
            .OrderBy(image => image.Relative, StringComparer.Ordinal)
            .ToList();
        var missing = images.FirstOrDefault(image => !File.Exists(image.FullPath));
        return missing.FullPath is not null
            ? throw new UnusableSourceException($"source image '{missing.Relative}' does not exist")
            : images;
    }

    private static string Inside(string root, string path)
    {
        var full = Path.GetFullPath(path);
        var target = new FileInfo(full).LinkTarget is { } link ? Path.GetFullPath(link, Path.GetDirectoryName(full)!) : full;
        if (!full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || !target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new UnusableSourceException("a source path leaves the source root");
        }

        return full;
    }
}
