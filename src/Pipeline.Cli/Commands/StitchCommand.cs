using System.CommandLine;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline stitch A B [--join 16] [--vertical]</c>: two images joined by a generated strip (docs/canvas.md).</summary>
internal static class StitchCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new JobOptions("pipeline-output");
        var first = new Argument<FileInfo>("A") { Description = "The first image: left (or top with --vertical)" };
        var second = new Argument<FileInfo>("B") { Description = "The second image: right (or bottom with --vertical)" };
        var join = new Option<int?>("--join")
        {
            Description = "Width in pixels of the generated join between the images (rounded up to the token size). Default 16",
            HelpName = "PX",
        };
        var vertical = new Option<bool>("--vertical") { Description = "Stack B below A instead of to its right" };
        var feather = CanvasOptions.Feather();
        var stride = CanvasOptions.Stride();
        var command = new Command("stitch", """
            Put two images side by side (or stacked) and generate the join between them. Both images keep their own size;
            every source pixel farther than the feather from the generated area is kept exactly.

            Examples:
              pipeline stitch a.png b.png
              pipeline stitch a.png b.png --join 8 --vertical --count 4
            """);
        command.Arguments.Add(first);
        command.Arguments.Add(second);
        command.Options.Add(join);
        command.Options.Add(vertical);
        command.Options.Add(feather);
        command.Options.Add(stride);
        options.AddTo(command);
        command.SetAction((r, ct) => Guard.RunAsync(console, () =>
        {
            var settings = options.Read(r);
            var a = JobCommand.ReadInput(r.GetValue(first)!, "A");
            var b = JobCommand.ReadInput(r.GetValue(second)!, "B");
            var joinPixels = r.GetValue(join);
            var stacked = r.GetValue(vertical);
            var featherPixels = r.GetValue(feather);
            var windowStride = r.GetValue(stride);
            return JobCommand.RunAsync(console, GlobalOptions.Read(r), settings, "stitch",
                i => settings.Job(JobKind.Stitching, i, settings.Model) with
                {
                    SourceImage = a,
                    SecondImage = b,
                    JoinPixels = joinPixels,
                    Vertical = stacked,
                    FeatherPixels = featherPixels,
                    CanvasStride = windowStride,
                }, ct);
        }));
        return command;
    }
}
