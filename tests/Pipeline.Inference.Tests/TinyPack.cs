using System.Text.Json.Nodes;

namespace Pipeline.Inference.Tests;

/// <summary>
/// The tiny random-weight pack committed by the exporter (tests/fixtures/tiny-pack), and writable copies of it
/// with an edited manifest for the failure cases.
/// </summary>
internal sealed class TinyPack : IDisposable
{
    private TinyPack(string directory) => Directory = directory;

    public static string FixtureDirectory { get; } = FindFixture();

    public string Directory { get; }

    /// <summary>A copy of the fixture in a fresh temporary folder (as <paramref name="folderName"/>), its manifest passed through <paramref name="edit"/>.</summary>
    public static TinyPack Copy(Action<JsonObject>? edit = null, string folderName = "tiny-pack", string? root = null)
    {
        root ??= System.IO.Directory.CreateTempSubdirectory("pipeline-pack-").FullName;
        var target = Path.Combine(root, folderName);
        foreach (var file in System.IO.Directory.EnumerateFiles(FixtureDirectory, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(FixtureDirectory, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        if (edit is not null)
        {
            var manifestPath = Path.Combine(target, "manifest.json");
            var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
            edit(manifest);
            File.WriteAllText(manifestPath, manifest.ToJsonString());
        }

        return new TinyPack(target);
    }

    public static JsonObject Manifest() => JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureDirectory, "manifest.json")))!.AsObject();

    // Deletes the whole temporary root, so copies sharing one root may be disposed in any order.
    public void Dispose()
    {
        var root = Path.GetDirectoryName(Directory)!;
        if (System.IO.Directory.Exists(root))
        {
            System.IO.Directory.Delete(root, recursive: true);
        }
    }

    private static string FindFixture()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "fixtures", "tiny-pack");
            if (File.Exists(Path.Combine(candidate, "manifest.json")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/fixtures/tiny-pack not found above " + AppContext.BaseDirectory);
    }
}
