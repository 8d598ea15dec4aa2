namespace Pipeline.Storage.Tests;

/// <summary>A fresh folder under the system temp folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pipeline-storage-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public Microsoft.Extensions.Options.IOptions<FileStorageOptions> Options(long maxInputBytes = 1024) =>
        Microsoft.Extensions.Options.Options.Create(new FileStorageOptions { RootPath = System.IO.Path.Combine(Path, "store"), MaxInputBytes = maxInputBytes });

    /// <summary>Every file under the folder, relative, with / separators.</summary>
    public IReadOnlyList<string> Files() =>
        [.. Directory.GetFiles(Path, "*", SearchOption.AllDirectories).Select(f => System.IO.Path.GetRelativePath(Path, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
