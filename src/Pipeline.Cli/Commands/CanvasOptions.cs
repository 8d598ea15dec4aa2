using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>Options of the canvas commands (docs/canvas.md): the window stride and, for the commands with sources, the feather.</summary>
internal static class CanvasOptions
{
    public static Option<int?> Stride() => new("--stride")
    {
        Description = "Tokens between the model-size windows that sample the canvas, 1 to the model's grid side. Default: half the grid",
        HelpName = "TOKENS",
    };

    public static Option<float?> Feather() => new("--feather")
    {
        Description = "Width in pixels over which the sources blend into the generated area. Default 2",
        HelpName = "PX",
    };

    /// <summary><c>--size WxH</c> in pixels (e.g. 96x32).</summary>
    public static Option<(int Width, int Height)?> Size() => new("--size")
    {
        Description = "Canvas size in pixels, WIDTHxHEIGHT, multiples of the model's token size, each side at least the model's (e.g. 96x32)",
        HelpName = "WxH",
        CustomParser = ParseSize,
    };

    /// <summary><c>--extend left=16,right=16</c>.</summary>
    public static Option<CanvasExtend?> Extend() => new("--extend")
    {
        Description = "Pixels to add per side: left=N,top=N,right=N,bottom=N (any of them)",
        HelpName = "left=N,right=N",
        Required = true,
        CustomParser = ParseExtend,
    };

    private static (int, int)? ParseSize(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        var parts = text.Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h) && w > 0 && h > 0)
        {
            return (w, h);
        }

        result.AddError($"--size takes WIDTHxHEIGHT in pixels, e.g. 96x32; got '{text}'");
        return null;
    }

    private static CanvasExtend? ParseExtend(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (CanvasExtend.Parse(text) is { } extend)
        {
            return extend;
        }

        result.AddError($"--extend takes side=pixels pairs, e.g. left=16,right=16 (sides: left, top, right, bottom); got '{text}'");
        return null;
    }
}
