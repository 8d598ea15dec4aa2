using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Pipeline.Cli.Bench;

/// <summary>
/// Runs the Python reference sampler (training/pipeline_training/bench_reference.py) as a child process, with
/// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed from its environment only (docs/architecture.md §6: they hold OpenBLAS to AVX2
/// kernels; the reference is compared at its best). Anything missing (Python, torch, the training folder) makes a
/// "skipped: why" row, never a failed bench.
/// </summary>
internal static class ReferenceBench
{
    public const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    public sealed record Result(double? ImagesPerSecond, double Seconds, int ForwardRows, int TorchThreads, string Weights, string? Skipped);

    /// <summary>
    /// The reference at its best: with <paramref name="threads"/> fixed, at that many torch threads; otherwise at torch's own
    /// default and at one thread per core, whichever samples faster (torch's default here was 1 thread on 2 cores, and on
    /// a contended machine 1 thread has been the faster). Parameters as in <see cref="RunAsync"/>.
    /// </summary>
    public static async Task<Result> RunAtBestAsync(string? repositoryRoot, string packDirectory, string? checkpoint, int steps, int batch,
        int threads, int repeats, CancellationToken cancellationToken)
    {
        var first = await RunAsync(repositoryRoot, packDirectory, checkpoint, steps, batch, threads, repeats, cancellationToken).ConfigureAwait(false);
        if (threads > 0 || first.ImagesPerSecond is null || first.TorchThreads == Environment.ProcessorCount)
        {
            return first;
        }

        var perCore = await RunAsync(repositoryRoot, packDirectory, checkpoint, steps, batch, Environment.ProcessorCount, repeats, cancellationToken)
            .ConfigureAwait(false);
        return perCore.ImagesPerSecond > first.ImagesPerSecond ? perCore : first;
    }

    /// <param name="packDirectory">The pack whose denoiser architecture (manifest provenance) the reference builds.</param>
    /// <param name="checkpoint">The training checkpoint of those weights, when it is at hand.</param>
    /// <param name="repeats">Runs of the sampler; the best (shortest) counts, as on our side.</param>
    public static async Task<Result> RunAsync(string? repositoryRoot, string packDirectory, string? checkpoint, int steps, int batch,
        int threads, int repeats, CancellationToken cancellationToken)
    {
        if (repositoryRoot is null)
        {
            return Skip("training/pipeline_training not found above the working folder or the app (run from the repository)");
        }

        if (!File.Exists(Python))
        {
            return Skip($"{Python} not found");
        }

        var start = new ProcessStartInfo(Python)
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-m", "pipeline_training.bench_reference", "--pack", packDirectory,
                     "--steps", Str(steps), "--batch", Str(batch), "--seed", "0", "--repeats", Str(Math.Max(1, repeats))])
        {
            start.ArgumentList.Add(argument);
        }

        if (threads > 0)
        {
            // The same thread count as our side when the user fixed one; otherwise each runtime picks its own default.
            start.ArgumentList.Add("--threads");
            start.ArgumentList.Add(Str(threads));
        }

        if (checkpoint is not null)
        {
            start.ArgumentList.Add("--checkpoint");
            start.ArgumentList.Add(checkpoint);
        }

        start.Environment["PYTHONPATH"] = Path.Combine(repositoryRoot, "training");
        start.Environment.Remove("OPENBLAS_CORETYPE");
        start.Environment.Remove("OPENBLAS_L2_SIZE");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            return Skip($"the reference ran past {Timeout.TotalMinutes:F0} minutes");
        }

        var output = await stdout.ConfigureAwait(false);
        var errors = await stderr.ConfigureAwait(false);
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.TrimStart().StartsWith('{'));
        if (process.ExitCode != 0 || line is null)
        {
            var why = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? $"exit code {process.ExitCode}";
            return Skip($"the reference failed: {why}");
        }

        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return new Result(
            root.GetProperty("images_per_s").GetDouble(),
            root.GetProperty("seconds").GetDouble(),
            root.TryGetProperty("forward_rows", out var rows) ? rows.GetInt32() : 0,
            root.TryGetProperty("torch_threads", out var torchThreads) ? torchThreads.GetInt32() : 0,
            root.TryGetProperty("weights", out var weights) ? weights.GetString() ?? "?" : "?",
            null);
    }

    /// <summary>The repository root (the folder holding training/pipeline_training), searched upward from the working folder and the app.</summary>
    public static string? FindRepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "training", "pipeline_training", "bench_reference.py")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    private static Result Skip(string why) => new(null, 0, 0, 0, "-", why);

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
