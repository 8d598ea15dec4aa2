namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>Paths in the checkout the tests run from.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding Pipeline.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The folder whose subfolders are model packs for the tests (holds tiny-pack, name <c>tiny-test</c>).</summary>
    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    /// <summary>The build configuration these tests were built with (Debug or Release).</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The worker host's own build output (built before these tests, which reference it).</summary>
    public static string WorkerDll => Path.Combine(Root, "src", "Pipeline.Worker", "bin", Configuration, "net10.0", "linux-x64", "Pipeline.Worker.dll");

    /// <summary>The `pipeline` CLI's build output (built before these tests through a project reference that copies nothing).</summary>
    public static string CliDll => Path.Combine(Root, "src", "Pipeline.Cli", "bin", Configuration, "net10.0", "linux-x64", "pipeline.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Pipeline.sln above {AppContext.BaseDirectory}");
    }
}
