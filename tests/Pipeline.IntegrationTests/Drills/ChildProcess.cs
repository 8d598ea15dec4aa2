using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.IntegrationTests.Drills;

/// <summary>Runs the service tools the private instances need (initdb, pg_ctl, rabbitmqctl) and finds free ports.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="file"/> to its end (at most <paramref name="timeout"/>); throws with its output when it fails.</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} ran past {timeout}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {await output}{await error}");
        }

        return await output;
    }

    /// <summary>A loopback TCP port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Makes <paramref name="path"/> (recursively) owned by <paramref name="user"/>, whom the service runs as.</summary>
    public static Task ChownAsync(string user, string path) => RunAsync("chown", ["-R", $"{user}:{user}", path], TimeSpan.FromSeconds(30));
}
