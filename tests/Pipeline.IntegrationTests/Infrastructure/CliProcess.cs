using System.Diagnostics;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>The built `pipeline` CLI run as a process, as a user runs it: arguments, environment, exit code, stdout, stderr.</summary>
public static class CliProcess
{
    /// <summary>
    /// Runs <c>pipeline <paramref name="args"/></c> in <paramref name="workDirectory"/> with <paramref name="environment"/> added
    /// (and any PIPELINE_API_* of this process removed); kills it and fails after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<CliResult> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment, string workDirectory,
        TimeSpan timeout)
    {
        if (!File.Exists(RepoPaths.CliDll))
        {
            throw new FileNotFoundException($"build the CLI first: {RepoPaths.CliDll} is missing", RepoPaths.CliDll);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepoPaths.CliDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("PIPELINE_API_URL");
        start.Environment.Remove("PIPELINE_API_KEY");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"pipeline {string.Join(' ', args)} did not exit within {timeout.TotalSeconds:0} s; stderr:\n{Tail(await stderr)}");
        }

        return new CliResult(process.ExitCode, await stdout, await stderr, stopwatch.Elapsed);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(30));
}

/// <summary>What a CLI run did.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
