using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// A Prometheus of the test's own: its own temporary folder (configuration and TSDB), its own loopback port, scraping the
/// given targets every second under the job names the rules use (<c>pipeline-api</c>, <c>pipeline-worker</c>). Queried
/// through its HTTP API; stopped and removed on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly Lock LogGate = new();
    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly string _folder;

    private PrometheusServer(Process process, HttpClient http, string folder) => (_process, _http, _folder) = (process, http, folder);

    /// <summary>Where it answers.</summary>
    public Uri BaseAddress => _http.BaseAddress!;

    /// <summary>Starts Prometheus scraping <paramref name="targets"/> (job name → host:port) and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyDictionary<string, Uri> targets)
    {
        var binary = PrometheusEnvironment.Binary ?? PrometheusEnvironment.Require();
        var folder = Directory.CreateTempSubdirectory("pipeline-prometheus-").FullName;
        var config = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(config, Config(targets));
        var port = FreePort();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        foreach (var argument in new[]
                 {
                     $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                     $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var log = Path.Combine(folder, "prometheus.log");
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{binary} did not start");
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        var server = new PrometheusServer(process, http, folder);
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {process.ExitCode}: {ReadLog(log)}");
            }

            try
            {
                return (await http.GetAsync(new Uri("/-/ready", UriKind.Relative))).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => $"prometheus ready on port {port}; log: {ReadLog(log)}");
        return server;
    }

    /// <summary>
    /// An instant query; the samples as (labels, value). An empty list when the expression selects nothing (not yet
    /// scraped); throws on a query error.
    /// </summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string expression)
    {
        var response = await _http.GetStringAsync(new Uri($"/api/v1/query?query={Uri.EscapeDataString(expression)}", UriKind.Relative));
        using var document = JsonDocument.Parse(response);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"query {expression} failed: {response}");
        }

        var data = root.GetProperty("data");
        if (data.GetProperty("resultType").GetString() == "scalar")
        {
            return [([], ParseValue(data.GetProperty("result")))];
        }

        return [.. data.GetProperty("result").EnumerateArray().Select(sample => (
            sample.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            ParseValue(sample.GetProperty("value"))))];
    }

    /// <summary>The single value of <paramref name="expression"/>, or null while it selects nothing.</summary>
    public async Task<double?> ScalarAsync(string expression) => (await QueryAsync(expression)) switch
    {
        [] => null,
        [var only] => only.Value,
        var many => throw new InvalidOperationException($"{expression} gave {many.Count} samples, expected one"),
    };

    /// <summary>Each target's health and last scrape error (<c>/api/v1/targets</c>), for a failure message.</summary>
    public async Task<string> DescribeTargetsAsync()
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync(new Uri("/api/v1/targets", UriKind.Relative)));
        return string.Join("; ", document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().Select(t =>
            $"{t.GetProperty("labels").GetProperty("job").GetString()} {t.GetProperty("scrapeUrl").GetString()}: " +
            $"{t.GetProperty("health").GetString()} {t.GetProperty("lastError").GetString()}"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The TSDB may still be closing its files; the temporary folder is the OS's to clean then.
        }
    }

    // One second between scrapes: the test's jobs take seconds, and rate() windows are not used here.
    private static string Config(IReadOnlyDictionary<string, Uri> targets) =>
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n" + string.Concat(targets.Select(t =>
            $"  - job_name: {t.Key}\n    static_configs:\n      - targets: [\"{t.Value.Host}:{t.Value.Port}\"]\n"));

    private static double ParseValue(JsonElement pair) => double.Parse(pair[1].GetString()!, CultureInfo.InvariantCulture);

    private static void Append(string path, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (LogGate)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }

    private static string ReadLog(string path)
    {
        lock (LogGate)
        {
            return File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(20)) : "(no output)";
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
