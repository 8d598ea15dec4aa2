namespace Pipeline.TestSupport;

/// <summary>
/// The repository's files as tests reach them: the first folder at or above the test binary's that holds a path (the
/// binary's own copy when the build put one next to it, otherwise the repository's).
/// </summary>
public static class RepoFiles
{
    /// <summary>The full path of <paramref name="relativePath"/> (a file or a folder, '/'-separated).</summary>
    /// <exception cref="FileNotFoundException">No folder above the test binary holds it.</exception>
    public static string Find(string relativePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(relativePath);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, relativePath);
            if (File.Exists(path) || Directory.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"{relativePath} not found above {AppContext.BaseDirectory}", relativePath);
    }
}
