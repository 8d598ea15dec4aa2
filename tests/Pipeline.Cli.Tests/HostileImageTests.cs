using Pipeline.TestSupport.Corpus;

namespace Pipeline.Cli.Tests;

/// <summary>
/// The hostile image corpus through the CLI: <c>vary</c> (as the source), <c>inpaint</c> (as the mask) and <c>submit</c>
/// (a manifest's local file) refuse every row the decoder rejects up front, with exit 2 and the row's code and a sentence,
/// before a pack is loaded or anything is uploaded.
/// </summary>
public sealed class HostileImageTests : IAsyncLifetime
{
    private FakeApi _api = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeApi.StartAsync();
        _dir = Cli.TempDirectory();
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Vary_EveryRejectedCorpusRow_Exit2WithItsCodeAndASentence()
    {
        var failures = new List<string>();
        foreach (var row in HostileCorpus.Cases.Values.Where(c => c.Expected is not null))
        {
            var file = Write(row);

            var run = await Cli.JobAsync(Path.Combine(_dir, "out"), "vary", file);

            if (run.ExitCode != ExitCodes.BadInput || !run.Error.Contains($"[{row.Expected}]", StringComparison.Ordinal)
                || !run.Error.Contains(file, StringComparison.Ordinal) || run.Error.Contains("Exception", StringComparison.Ordinal))
            {
                failures.Add($"{row.Name}: {run}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Inpaint_EveryRejectedCorpusRowAsTheMask_Exit2WithItsCode()
    {
        var source = Cli.WritePng(_dir, "source.png", Encoded.Width, Encoded.Height);
        var failures = new List<string>();
        foreach (var row in HostileCorpus.Cases.Values.Where(c => c.Expected is not null))
        {
            var run = await Cli.JobAsync(Path.Combine(_dir, "out"), "inpaint", source, "--mask", Write(row));

            if (run.ExitCode != ExitCodes.BadInput || !run.Error.Contains($"[{row.Expected}]", StringComparison.Ordinal))
            {
                failures.Add($"{row.Name}: {run}");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Inpaint_AllBlackMask_Exit2MaskInvalidBeforeThePackLoads()
    {
        var source = Cli.WritePng(_dir, "source.png", 24, 24);
        var mask = Cli.WritePng(_dir, "mask.png", 24, 24, (_, _) => false);

        var run = await Cli.JobAsync(Path.Combine(_dir, "out"), "inpaint", source, "--mask", mask);

        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains("[mask_invalid]", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_ManifestWithATruncatedLocalFile_Exit2NamingTheLineAndNothingSent()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "in"));
        Cli.WritePng(Path.Combine(_dir, "in"), "good.png", 16, 16);
        File.Move(Write(HostileCorpus.Cases["png-no-iend"]), Path.Combine(_dir, "in", "cut.png"));
        var manifest = Path.Combine(_dir, "jobs.jsonl");
        File.WriteAllLines(manifest,
        [
            """{"kind":"variation","sourceImageFile":"in/good.png"}""",
            """{"kind":"variation","sourceImageFile":"in/cut.png"}""",
        ]);

        var run = await Cli.RunAsync(new Dictionary<string, string> { ["PIPELINE_API_URL"] = _api.BaseAddress.ToString(), ["PIPELINE_API_KEY"] = FakeApi.Key },
            "submit", manifest, "--batch-id", "cut");

        Assert.True(run.ExitCode == ExitCodes.BadInput, run.ToString());
        Assert.Contains("line 2: sourceImageFile 'in/cut.png'", run.Error, StringComparison.Ordinal);
        Assert.Contains("[image_truncated]", run.Error, StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    private string Write(CorpusCase row)
    {
        var path = Path.Combine(_dir, row.Name + ".img");
        File.WriteAllBytes(path, row.File);
        return path;
    }
}
