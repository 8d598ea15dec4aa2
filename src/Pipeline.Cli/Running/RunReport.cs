using System.Globalization;
using Pipeline.Engine;
using Spectre.Console;

namespace Pipeline.Cli.Running;

/// <summary>The end of a job command: a table of what was made, the failures on stderr, a contact sheet, the exit code.</summary>
internal static class RunReport
{
    public static int Finish(CliConsole console, JobRunOutcome outcome, string outDirectory)
    {
        var succeeded = outcome.Succeeded.ToList();
        if (succeeded.Count > 0)
        {
            var table = new Table().Border(TableBorder.Simple)
                .AddColumns("image", "seed", "steps", "order", "forwards", "fit", "ms");
            foreach (var r in succeeded)
            {
                var m = r.Metadata;
                table.AddRow(
                    Markup.Escape(r.JobId + ".png"),
                    m.Seed.ToString(CultureInfo.InvariantCulture),
                    m.StepsUsed == m.StepsRequested ? Str(m.StepsUsed) : $"{m.StepsUsed}/{m.StepsRequested}",
                    m.Order,
                    Str(m.ForwardPasses),
                    Markup.Escape(m.SourceFit ?? "-"),
                    m.Timings.TotalMs.ToString("F0", CultureInfo.InvariantCulture));
            }

            console.Ansi.Write(table);
        }

        if (succeeded.Count > 1)
        {
            var sheet = Path.Combine(outDirectory, "contact-sheet.png");
            ContactSheets.Write(sheet, [.. succeeded.Select(r => r.Png)], (int)Math.Ceiling(Math.Sqrt(succeeded.Count)));
        }

        ReportFailures(console, outcome);
        var seconds = outcome.Wall.TotalSeconds;
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{succeeded.Count} of {outcome.Jobs.Count} images written to {outDirectory} in {seconds:F1} s ({succeeded.Count / Math.Max(seconds, 1e-9):F2} images/s)"));
        return outcome.ExitCode;
    }

    /// <summary>One line per distinct failure (16 jobs with the same bad parameter are one problem, not 16).</summary>
    public static void ReportFailures(CliConsole console, JobRunOutcome outcome)
    {
        var groups = outcome.Errors
            .Select((e, i) => (Error: e, Job: outcome.Jobs[i].JobId))
            .Where(x => x.Error is not null)
            .GroupBy(x => Describe(x.Error!));
        foreach (var group in groups)
        {
            var jobs = group.Select(x => x.Job).ToList();
            var which = jobs.Count == 1 ? jobs[0] : $"{jobs.Count} jobs ({jobs[0]} …)";
            console.WriteError($"{which}: {group.Key}");
        }
    }

    private static string Describe(Exception e) => e is InvalidJobException invalid
        ? $"{invalid.Message} [{invalid.Code}]"
        : $"{e.GetType().Name}: {e.Message}";

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
