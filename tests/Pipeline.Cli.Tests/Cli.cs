using System.Text.Json;
using Pipeline.Imaging;

namespace Pipeline.Cli.Tests;

/// <summary>Runs `pipeline` in process with captured stdout and stderr, against the tiny fixture pack.</summary>
internal static class Cli
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Fixtures => Path.Combine(RepositoryRoot, "tests", "fixtures");

    public static string TinyPack => Path.Combine(Fixtures, "tiny-pack");

    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    /// <summary>Runs with <paramref name="environment"/> as the only environment variables the command sees.</summary>
    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(output, error, isTerminal: false) { Variables = name => environment.GetValueOrDefault(name) };
        var code = await PipelineCli.RunAsync(args, console);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>A job command on the tiny pack, CPU only (no CUDA probe noise), writing into <paramref name="outDirectory"/>.</summary>
    public static Task<CliRun> JobAsync(string outDirectory, params string[] args) =>
        RunAsync([.. args, "--models", Fixtures, "--model", "tiny-test", "--provider", "cpu", "--out", outDirectory]);

    public static string TempDirectory() => Directory.CreateTempSubdirectory("pipeline-cli-").FullName;

    /// <summary>A PNG file of a w × h gradient in <paramref name="directory"/>.</summary>
    public static string WritePng(string directory, string name, int width, int height, Func<int, int, bool>? white = null)
    {
        var rgb = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = ((y * width) + x) * 3;
                var on = white?.Invoke(x, y);
                rgb[i] = on is null ? (byte)(x * 255 / width) : on.Value ? (byte)255 : (byte)0;
                rgb[i + 1] = on is null ? (byte)(y * 255 / height) : on.Value ? (byte)255 : (byte)0;
                rgb[i + 2] = on is null ? (byte)128 : on.Value ? (byte)255 : (byte)0;
            }
        }

        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, PngWriter.Encode(new RgbImage(width, height, rgb)));
        return path;
    }

    public static JsonElement ReadJson(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "tests", "fixtures", "tiny-pack", "manifest.json")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("tests/fixtures/tiny-pack not found above " + AppContext.BaseDirectory);
    }
}

internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
