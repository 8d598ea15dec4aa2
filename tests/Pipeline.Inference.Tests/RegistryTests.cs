using Microsoft.Extensions.Logging;

namespace Pipeline.Inference.Tests;

public class RegistryTests
{
    private static readonly InferenceOptions Cpu = new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 };

    [Fact]
    public void Get_UnknownName_ThrowsListingAvailablePacksAndSearchedFolders()
    {
        using var registry = Registry([Path.GetDirectoryName(TinyPack.FixtureDirectory)!, "/nonexistent/models"]);

        var e = Assert.Throws<UnknownModelPackException>(() => registry.Get("paper-churches"));

        Assert.Equal("paper-churches", e.Name);
        Assert.Equal(["tiny-test"], e.Available);
        Assert.Contains("Unknown model pack 'paper-churches'. Available: tiny-test.", e.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/models", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Get_ByManifestName_LoadsOnceAndCaches()
    {
        using var registry = Registry([Path.GetDirectoryName(TinyPack.FixtureDirectory)!]);

        var first = registry.Get("tiny-test");

        Assert.Same(first, registry.Get("tiny-test"));
        Assert.Equal(TinyPack.FixtureDirectory, first.Directory);
    }

    [Fact]
    public void LoadedPacks_BeforeAndAfterGet_OnlyWhatWasLoaded()
    {
        using var registry = Registry([Path.GetDirectoryName(TinyPack.FixtureDirectory)!]);
        var before = registry.LoadedPacks;

        var pack = registry.Get("tiny-test");

        Assert.Empty(before);
        Assert.Same(pack, Assert.Single(registry.LoadedPacks));
    }

    [Fact]
    public void AvailablePackNames_BrokenManifestBesideAGoodPack_SkipsItAndLogs()
    {
        using var good = TinyPack.Copy();
        var root = Path.GetDirectoryName(good.Directory)!;
        Directory.CreateDirectory(Path.Combine(root, "broken"));
        File.WriteAllText(Path.Combine(root, "broken", "manifest.json"), "{ not json");
        var logger = new ListLogger<ModelPackRegistry>();
        using var registry = new ModelPackRegistry(new ModelPackRegistryOptions { SearchDirectories = [root], Inference = Cpu }, logger);

        Assert.Equal(["tiny-test"], registry.AvailablePackNames);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("broken", StringComparison.Ordinal));
    }

    [Fact]
    public void Defaults_AreTheEmbeddedPackAndTheModelsFolders()
    {
        var options = new ModelPackRegistryOptions();

        Assert.Equal("emoji-32", options.DefaultPackName);
        Assert.Equal([Path.Combine(AppContext.BaseDirectory, "models"), Path.GetFullPath("models")], options.SearchDirectories);
        Assert.Equal(ExecutionProvider.Auto, options.Inference.Provider);
    }

    private static ModelPackRegistry Registry(IReadOnlyList<string> searchDirectories) =>
        new(new ModelPackRegistryOptions { SearchDirectories = searchDirectories, Inference = Cpu }, new ListLogger<ModelPackRegistry>());
}
