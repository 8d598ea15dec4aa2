using System.Diagnostics;
using System.Globalization;

namespace Pipeline.IntegrationTests.Bench;

/// <summary>
/// CPU time of this process plus every PostgreSQL and RabbitMQ (beam.smp) process, read from /proc: on a shared
/// 2-core machine the pipeline's cost per job is its CPU time, which a neighbour's load disturbs far less than wall time.
/// </summary>
internal static class CpuTime
{
    private static readonly string[] ServiceCommands = ["postgres", "beam.smp"];
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on

    public static TimeSpan Now()
    {
        var total = Process.GetCurrentProcess().TotalProcessorTime;
        if (!OperatingSystem.IsLinux())
        {
            return total;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                if (!ServiceCommands.Contains(stat[(open + 1)..close]))
                {
                    continue;
                }

                // Fields after the command: state is field 3, utime 14 and stime 15 (1-based, proc(5)).
                var fields = stat[(close + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                total += TimeSpan.FromSeconds(ticks / TicksPerSecond);
            }
            catch (IOException)
            {
                // The process ended between listing and reading.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return total;
    }
}
