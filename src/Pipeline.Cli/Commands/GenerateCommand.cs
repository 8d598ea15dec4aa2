using System.CommandLine;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

internal static class GenerateCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new JobOptions("pipeline-output");
        var size = CanvasOptions.Size();
        var stride = CanvasOptions.Stride();
        var command = new Command("generate", """
            Generate new images from nothing: every token starts masked and the model fills them in.

            Examples:
              pipeline generate --count 16 --seed 42 --out out/
              pipeline generate --steps 64 --order confidence --temperature 0.9
              pipeline generate --model paper-random --models ~/packs --steps 16
              pipeline generate --size 96x32 --order exact-k   (a canvas 3× the model's width)
            """);
        command.Options.Add(size);
        command.Options.Add(stride);
        options.AddTo(command);
        command.SetAction((r, ct) => Guard.RunAsync(console, () =>
        {
            var settings = options.Read(r);
            var canvas = r.GetValue(size);
            var windowStride = r.GetValue(stride);
            return JobCommand.RunAsync(console, GlobalOptions.Read(r), settings, "generate",
                i => settings.Job(JobKind.Generation, i, settings.Model) with
                {
                    CanvasWidth = canvas?.Width,
                    CanvasHeight = canvas?.Height,
                    CanvasStride = windowStride,
                }, ct);
        }));
        return command;
    }
}
