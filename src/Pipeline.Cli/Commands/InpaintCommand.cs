using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

internal static class InpaintCommand
{
    public static Command Create(CliConsole console)
    {
        var options = new JobOptions("pipeline-output");
        var image = new Argument<FileInfo>("IMAGE") { Description = "Source image (PNG, JPEG, GIF, BMP, WebP or TGA)" };
        var mask = new Option<FileInfo?>("--mask")
        {
            Description = "Mask image, white = regenerate, black = keep; the source's size, or the model's (then over the model's centred view of the source)",
            HelpName = "MASK.png",
        };
        var rectangles = new Option<MaskRectangle[]>("--rect")
        {
            Description = "Region to regenerate as x,y,width,height in source pixels (repeat for several)",
            HelpName = "x,y,w,h",
            CustomParser = ParseRectangles,
            AllowMultipleArgumentsPerToken = false,
        };
        var feather = new Option<float?>("--feather")
        {
            Description = "Width in model pixels of the blend between kept and regenerated pixels (scaled to the source: in a 128-pixel region for a 32-pixel model, 2 = 8 source pixels). Default 2",
            HelpName = "PX",
        };
        var command = new Command("inpaint", """
            Regenerate part of an image: a region around the mask is fitted to the model, the tokens under the mask are
            re-sampled, and the result is blended back into the original at the original's size over a feathered edge;
            every pixel away from the mask is the original's. Outpainting is inpainting with a border mask.

            Examples:
              pipeline inpaint photo.png --mask hole.png --count 4
              pipeline inpaint photo.png --rect 8,8,16,16 --feather 3
              pipeline inpaint photo.png --rect 0,0,32,4 --rect 0,28,32,4   (outpaint top and bottom)
            """);
        command.Arguments.Add(image);
        command.Options.Add(mask);
        command.Options.Add(rectangles);
        command.Options.Add(feather);
        options.AddTo(command);
        command.Validators.Add(r =>
        {
            var hasMask = r.GetResult(mask) is not null;
            var hasRectangles = r.GetResult(rectangles) is not null;
            if (hasMask == hasRectangles)
            {
                r.AddError(hasMask ? "give --mask or --rect, not both" : "give the region to regenerate with --mask MASK.png or --rect x,y,w,h");
            }
        });
        command.SetAction((r, ct) => Guard.RunAsync(console, () =>
        {
            var settings = options.Read(r);
            var source = JobCommand.ReadInput(r.GetValue(image)!, "image");
            var maskBytes = r.GetValue(mask) is { } maskFile ? JobCommand.ReadInput(maskFile, "mask") : [];
            var rects = r.GetValue(rectangles) ?? [];
            var featherPixels = r.GetValue(feather);
            return JobCommand.RunAsync(console, GlobalOptions.Read(r), settings, "inpaint",
                i => settings.Job(JobKind.Inpainting, i, settings.Model) with
                {
                    SourceImage = source,
                    MaskImage = maskBytes,
                    MaskRectangles = rects,
                    FeatherPixels = featherPixels,
                }, ct);
        }));
        return command;
    }

    private static MaskRectangle[] ParseRectangles(ArgumentResult result)
    {
        var parsed = new List<MaskRectangle>();
        foreach (var token in result.Tokens)
        {
            var parts = token.Value.Split(',');
            var numbers = new int[4];
            if (parts.Length != 4 || !parts.Select((p, i) => int.TryParse(p.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out numbers[i])).All(ok => ok))
            {
                result.AddError($"--rect takes x,y,width,height as four integers, e.g. 8,8,16,16; got '{token.Value}'");
                return [];
            }

            if (numbers[2] <= 0 || numbers[3] <= 0)
            {
                result.AddError($"--rect '{token.Value}' has no area: width and height must be positive");
                return [];
            }

            parsed.Add(new MaskRectangle { X = numbers[0], Y = numbers[1], Width = numbers[2], Height = numbers[3] });
        }

        return [.. parsed];
    }
}
