using System.CommandLine;

namespace Pipeline.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("bench", "Benchmarks");
        command.SetAction((r, ct) => Guard.RunAsync(console, () => Task.FromResult(0)));
        return command;
    }
}
