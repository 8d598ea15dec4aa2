using System.CommandLine;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

internal static class VaryCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new JobOptions("pipeline-output");
        var image = new Argument<FileInfo>("IMAGE") { Description = "Source image (PNG, JPEG, GIF, BMP, WebP or TGA); the model sees its centred crop, the result comes back at its size" };
        var strength = new Option<float?>("--strength", "-s")
        {
            Description = "Fraction of the image's tokens to re-sample, above 0 and at most 1 (0.2 = close to the source, 1 = new image). Default 0.5",
            HelpName = "F",
        };
        var command = new Command("vary", """
            Make variations of an image: encode it to tokens, re-mask a random fraction (--strength) and re-sample them.
            A source larger than the model comes back at its own size, changed only where re-sampled tokens lie.

            Examples:
              pipeline vary cat.png --count 8 --strength 0.3 --out variations/
              pipeline vary cat.png --strength 0.7 --seed 1 --steps 32
            """);
        command.Arguments.Add(image);
        command.Options.Add(strength);
        options.AddTo(command);
        command.SetAction((r, ct) => Guard.RunAsync(console, () =>
        {
            var settings = options.Read(r);
            var source = JobCommand.ReadInput(r.GetValue(image)!, "image");
            var fraction = r.GetValue(strength);
            return JobCommand.RunAsync(console, GlobalOptions.Read(r), settings, "vary",
                i => settings.Job(JobKind.Variation, i, settings.Model) with { SourceImage = source, Strength = fraction }, ct);
        }));
        return command;
    }
}
