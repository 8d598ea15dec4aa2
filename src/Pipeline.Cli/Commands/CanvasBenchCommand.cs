using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Pipeline.Inference.Canvas;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>`pipeline bench canvas`: the seam statistic of canvas decoding (issue 12), tiled vs butted vs one pass.</summary>
internal static class CanvasBenchCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string?>("--model", "-m") { Description = "Model pack to measure. Default: the default pack (emoji-32)", HelpName = "NAME" };
        var size = new Option<string>("--size") { Description = "Canvas WIDTHxHEIGHT in pixels, multiples of the token size, at least the model's size", DefaultValueFactory = _ => "96x64", HelpName = "WxH" };
        var seed = new Option<int>("--seed") { Description = "Seed of the random-token canvas", DefaultValueFactory = _ => 1 };
        var command = new Command("canvas", """
            The seam statistic of decoding canvases larger than the model: the mean |difference| between adjacent
            pixels across tile borders against inside tiles, for
              - tiled, overlap ½: model-size tiles at half-tile steps, blended with raised-cosine weights (the fallback
                for packs with fixed graphs);
              - tiled, butted: tiles side by side without overlap or blending (the naive way, for comparison);
              - dynamic: the whole canvas in one pass (packs with dynamic spatial axes), measured at the same borders.
            Two token canvases: the pack's golden images repeated over the canvas (shifted so their joins fall between
            tile borders) and encoded, and uniformly random tokens. A ratio near 1 means no visible seam.

            Examples:
              pipeline bench canvas
              pipeline bench canvas --size 256x256 --model emoji-32
            """);
        foreach (Option option in (Option[])[model, size, seed])
        {
            command.Options.Add(option);
        }

        command.SetAction((r, _) => Guard.RunAsync(console, async () =>
        {
            var (widthPx, heightPx) = ParseSize(r.GetValue(size)!);
            var session = CliSession.Open(GlobalOptions.Read(r), console);
            await using (session.ConfigureAwait(false))
            {
                var pack = session.ResolvePack(r.GetValue(model)).Pack;
                var tokenSize = pack.Manifest.TokenSize ?? 1;
                if (widthPx % tokenSize != 0 || heightPx % tokenSize != 0)
                {
                    throw new UsageException($"--size {widthPx}x{heightPx}: both sides must be multiples of the token size {tokenSize} px");
                }

                var stopwatch = Stopwatch.StartNew();
                IReadOnlyList<CanvasSeamLine> lines;
                try
                {
                    lines = CanvasSeamBench.Run(pack, heightPx / tokenSize, widthPx / tokenSize, r.GetValue(seed));
                }
                catch (ArgumentException e)
                {
                    throw new UsageException($"--size {widthPx}x{heightPx}: {e.Message}", e);
                }

                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"pack {pack.Manifest.Name} (schemaVersion {pack.Manifest.SchemaVersion}, token size {tokenSize} px, model {pack.Manifest.Image.Width}x{pack.Manifest.Image.Height}), " +
                    $"canvas {widthPx}x{heightPx} px = {widthPx / tokenSize}x{heightPx / tokenSize} tokens, provider {pack.ActiveProvider}"));
                var table = new Table().Border(TableBorder.Simple)
                    .AddColumns("tokens", "decode", "borders of", "border columns / rows (px)", "across borders", "inside tiles", "ratio");
                foreach (var line in lines)
                {
                    var f = line.Figures;
                    table.AddRow(
                        Markup.Escape(line.Source),
                        Markup.Escape(line.Decode),
                        Markup.Escape(line.BordersAt),
                        Markup.Escape($"{string.Join(",", line.ColumnBorders)} / {(line.RowBorders.Count == 0 ? "-" : string.Join(",", line.RowBorders))}"),
                        f.AcrossBorders.ToString("F4", CultureInfo.InvariantCulture),
                        f.InsideTiles.ToString("F4", CultureInfo.InvariantCulture),
                        f.Ratio.ToString("F3", CultureInfo.InvariantCulture));
                }

                console.Ansi.Write(table);
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"({stopwatch.Elapsed.TotalSeconds:F1} s)"));
                return ExitCodes.Ok;
            }
        }));
        return command;
    }

    private static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.Split('x', 'X');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h) && w > 0 && h > 0)
        {
            return (w, h);
        }

        throw new UsageException($"--size '{text}' is not WIDTHxHEIGHT in pixels, e.g. 96x64");
    }
}
