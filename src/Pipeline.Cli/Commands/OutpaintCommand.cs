using System.CommandLine;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline outpaint IMG --extend left=16,right=16</c>: a larger frame around an image (docs/canvas.md).</summary>
internal static class OutpaintCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new JobOptions("pipeline-output");
        var image = new Argument<FileInfo>("IMAGE") { Description = "Source image (PNG, JPEG, GIF, BMP, WebP or TGA), kept at its own size" };
        var extend = CanvasOptions.Extend();
        var feather = CanvasOptions.Feather();
        var stride = CanvasOptions.Stride();
        var command = new Command("outpaint", """
            Extend an image's frame: the image is placed on a larger canvas and the new border is generated around it. Every
            source pixel farther than the feather from the new area is kept exactly.

            Examples:
              pipeline outpaint emoji.png --extend left=16,right=16
              pipeline outpaint emoji.png --extend top=8,bottom=8 --order exact-k --count 4
            """);
        command.Arguments.Add(image);
        command.Options.Add(extend);
        command.Options.Add(feather);
        command.Options.Add(stride);
        options.AddTo(command);
        command.SetAction((r, ct) => Guard.RunAsync(console, () =>
        {
            var settings = options.Read(r);
            var source = JobCommand.ReadInput(r.GetValue(image)!, "image");
            var sides = r.GetValue(extend);
            var featherPixels = r.GetValue(feather);
            var windowStride = r.GetValue(stride);
            return JobCommand.RunAsync(console, GlobalOptions.Read(r), settings, "outpaint",
                i => settings.Job(JobKind.Outpainting, i, settings.Model) with
                {
                    SourceImage = source,
                    Extend = sides,
                    FeatherPixels = featherPixels,
                    CanvasStride = windowStride,
                }, ct);
        }));
        return command;
    }
}
