using System.Globalization;
using System.Text;
using Pipeline.Contracts;
using Pipeline.Contracts.Fleet;

namespace Pipeline.Cli.Remote;

/// <summary>
/// <c>pipeline status</c>'s text: a table of the live workers, then the queue by priority, the oldest waiting job and the
/// last minute's throughput. Plain aligned text (no colour), so it reads the same in a terminal, a pipe and a log; times
/// are UTC, ages are relative to the API's clock (<see cref="FleetStatus.GeneratedAt"/>), not this machine's.
/// </summary>
internal static class FleetDisplay
{
    private static readonly string[] Header = ["ID", "HOST", "PROVIDER", "PRECISION", "PACKS", "SLOTS", "DONE", "VERSION", "UP SINCE", "LAST SEEN"];

    public static void Write(TextWriter output, FleetStatus status)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(status);
        var now = status.GeneratedAt;
        var timeout = Duration(TimeSpan.FromSeconds(status.WorkerTimeoutSeconds));
        if (status.Workers.Count == 0)
        {
            output.WriteLine($"Workers: none live (no heartbeat within {timeout})");
        }
        else
        {
            output.WriteLine(Invariant($"Workers: {status.Workers.Count} live (heartbeat within {timeout}), {status.Workers.Sum(w => w.SlotsBusy)} of {status.Workers.Sum(w => w.SlotsTotal)} slots busy"));
            WriteTable(output, [Header, .. status.Workers.Select(w => Row(w, now))]);
        }

        output.WriteLine();
        var queue = status.Queue;
        var classes = JobPriorities.All.Where(queue.ByPriority.ContainsKey)
            .Concat(queue.ByPriority.Keys.Where(p => !JobPriorities.All.Contains(p)).Order(StringComparer.Ordinal))
            .Select(p => Invariant($"{p} {queue.ByPriority[p]}"));
        output.WriteLine(Invariant($"Queue: {queue.Total} waiting ({string.Join(", ", classes)})"));
        output.WriteLine(queue.Oldest is { } oldest
            ? Invariant($"Oldest waiting: {oldest.JobId} ({oldest.Priority}), submitted {Time(oldest.SubmittedAt)}, waiting {Duration(TimeSpan.FromSeconds(oldest.WaitingSeconds))}")
            : "Oldest waiting: none");
        var t = status.Throughput;
        output.WriteLine(Invariant(
            $"Last {t.WindowSeconds:0} s: {t.Succeeded} succeeded, {t.Failed} failed, {t.Canceled} canceled; {t.ImagesPerSecond:0.00} images/s"));
    }

    /// <summary>A span as people read it: <c>45 s</c>, <c>5m 03s</c>, <c>2h 05m</c>, <c>3d 04h</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        span = span < TimeSpan.Zero ? TimeSpan.Zero : span;
        return span.TotalSeconds < 60 ? Invariant($"{(int)span.TotalSeconds} s")
            : span.TotalHours < 1 ? Invariant($"{span.Minutes}m {span.Seconds:00}s")
            : span.TotalDays < 1 ? Invariant($"{span.Hours}h {span.Minutes:00}m")
            : Invariant($"{(int)span.TotalDays}d {span.Hours:00}h");
    }

    private static string[] Row(FleetWorker w, DateTimeOffset now) =>
    [
        w.WorkerId,
        w.Host,
        w.CudaDeviceId is { } device ? Invariant($"{w.ExecutionProvider}:{device}") : w.ExecutionProvider,
        w.DenoiserPrecision,
        w.Packs.Count == 0 ? "-" : string.Join(", ", w.Packs.Select(p => $"{p.Name} {p.Version}")),
        Invariant($"{w.SlotsBusy}/{w.SlotsTotal}"),
        w.JobsDone.ToString(CultureInfo.InvariantCulture),
        w.Version,
        Invariant($"{Time(w.StartedAt)} ({Duration(now - w.StartedAt)})"),
        Invariant($"{Duration(now - w.LastSeenAt)} ago"),
    ];

    private static void WriteTable(TextWriter output, IReadOnlyList<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var c = 0; c < row.Length; c++)
            {
                line.Append(c == row.Length - 1 ? row[c] : row[c].PadRight(widths[c] + 2));
            }

            output.WriteLine(line.ToString().TrimEnd());
        }
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
