using System.CommandLine;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

internal static class GenerateCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new JobOptions("pipeline-output");
        var command = new Command("generate", """
            Generate new images from nothing: every token starts masked and the model fills them in.

            Examples:
              pipeline generate --count 16 --seed 42 --out out/
              pipeline generate --steps 64 --order confidence --temperature 0.9
              pipeline generate --model paper-random --models ~/packs --steps 16
            """);
        options.AddTo(command);
        command.SetAction((r, ct) => Guard.RunAsync(console, () =>
        {
            var settings = options.Read(r);
            return JobCommand.RunAsync(console, GlobalOptions.Read(r), settings, "generate",
                i => settings.Job(JobKind.Generation, i, settings.Model), ct);
        }));
        return command;
    }
}
