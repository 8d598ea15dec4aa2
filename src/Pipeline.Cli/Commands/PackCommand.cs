using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Inference;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>`pipeline pack list` and `pipeline pack verify`.</summary>
internal static class PackCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("pack", "Inspect model packs: list the packs found, verify one against its golden vectors");
        command.Subcommands.Add(CreateList(console));
        command.Subcommands.Add(CreateVerify(console));
        return command;
    }

    private static Command CreateList(CliConsole console)
    {
        var command = new Command("list", """
            List the model packs in the search folders (manifests only; no graph is loaded).

            Examples:
              pipeline pack list
              pipeline pack list --models ~/packs
            """);
        command.SetAction((r, _) => Guard.RunAsync(console, async () =>
        {
            var session = CliSession.Open(GlobalOptions.Read(r), console);
            await using (session.ConfigureAwait(false))
            {
                var table = new Table().Border(TableBorder.Simple)
                    .AddColumns("name", "version", "image", "tokens", "codebook", "denoiser", "steps (min/default/max)", "folder");
                var rows = 0;
                // A name found again in a later folder is not served (the registry takes the first); said so, not listed as a peer.
                var servedFrom = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (folder, manifest, error) in Discover(session.SearchDirectories))
                {
                    rows++;
                    if (manifest is null)
                    {
                        table.AddRow("[red]invalid[/]", "-", "-", "-", "-", "-", "-", Markup.Escape($"{folder}: {error}"));
                        continue;
                    }

                    var s = manifest.Sampling;
                    var name = manifest.Name == session.Packs.DefaultName ? $"{manifest.Name} (default)" : manifest.Name;
                    var where = folder;
                    if (!servedFrom.TryAdd(manifest.Name, folder))
                    {
                        name = $"{manifest.Name} (shadowed)";
                        where = $"{folder} (not served: {servedFrom[manifest.Name]} comes first)";
                    }

                    table.AddRow(
                        Markup.Escape(name),
                        Markup.Escape(manifest.Version),
                        $"{manifest.Image.Width}x{manifest.Image.Height}",
                        $"{manifest.Latent.Height}x{manifest.Latent.Width}",
                        manifest.CodebookSize.ToString(CultureInfo.InvariantCulture),
                        Denoisers(manifest.Graphs),
                        $"{s?.MinSteps?.ToString(CultureInfo.InvariantCulture) ?? "-"}/{s?.DefaultSteps?.ToString(CultureInfo.InvariantCulture) ?? "-"}/{s?.MaxSteps?.ToString(CultureInfo.InvariantCulture) ?? "-"}",
                        Markup.Escape(where));
                }

                if (rows == 0)
                {
                    console.Out.WriteLine($"no model packs found in {string.Join(", ", session.SearchDirectories)}");
                    return ExitCodes.Ok;
                }

                console.Ansi.Write(table);
                return ExitCodes.Ok;
            }
        }));
        return command;
    }

    private static Command CreateVerify(CliConsole console)
    {
        var target = new Argument<string?>("DIR|NAME")
        {
            Description = "A pack folder, or the name of a pack in the search folders. Default: the default pack",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("verify", """
            Load a pack (manifest checks, SHA-256 of each graph, graph signatures) and run its golden vectors: the ONNX
            graphs here must reproduce the exporter's PyTorch outputs. A pack with the optional int8 denoiser has that
            graph checked too, against the same float32 logits, within the tolerance and top-1 agreement its manifest
            states. Exit code 1 when anything fails.

            Examples:
              pipeline pack verify
              pipeline pack verify models/paper-random
              pipeline pack verify tiny-test --models tests/fixtures --provider cpu
            """);
        command.Arguments.Add(target);
        command.SetAction((r, _) => Guard.RunAsync(console, async () =>
        {
            var session = CliSession.Open(GlobalOptions.Read(r), console);
            await using (session.ConfigureAwait(false))
            {
                var asked = r.GetValue(target);
                ModelPack pack;
                ModelPack? owned = null;
                try
                {
                    if (asked is not null && File.Exists(Path.Combine(asked, "manifest.json")))
                    {
                        owned = pack = ModelPack.Load(asked, session.Settings.Inference,
                            session.Loggers.CreateLogger<ModelPack>());
                    }
                    else
                    {
                        pack = session.ResolvePack(asked).Pack;
                    }

                    var report = PackVerifier.Verify(pack);
                    console.Out.WriteLine(report.ToString());
                    return report.Passed ? ExitCodes.Ok : ExitCodes.JobFailures;
                }
                catch (ModelPackException e)
                {
                    console.Out.WriteLine($"pack {asked ?? session.Packs.DefaultName}: FAIL");
                    console.WriteError(e.Message);
                    return ExitCodes.JobFailures;
                }
                finally
                {
                    owned?.Dispose();
                }
            }
        }));
        return command;
    }

    private static IEnumerable<(string Folder, ModelPackManifest? Manifest, string? Error)> Discover(IReadOnlyList<string> roots)
    {
        foreach (var root in roots.Distinct(StringComparer.Ordinal).Where(Directory.Exists))
        {
            foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                var path = Path.Combine(folder, "manifest.json");
                if (!File.Exists(path))
                {
                    continue;
                }

                ModelPackManifest? manifest = null;
                string? error = null;
                try
                {
                    manifest = ManifestReader.Read(path);
                }
                catch (ModelPackException e)
                {
                    error = e.Message.Split('\n')[0];
                }

                yield return (folder, manifest, error);
            }
        }
    }

    // The denoiser graphs a pack has, as --precision spells them.
    private static string Denoisers(Inference.GraphSet graphs) =>
        "fp32" + (graphs.DenoiserInt8 is null ? string.Empty : ", int8") + (graphs.DenoiserFp16 is null ? string.Empty : ", fp16");
}
