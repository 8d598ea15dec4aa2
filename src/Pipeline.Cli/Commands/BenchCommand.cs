using System.CommandLine;
using Pipeline.Cli.Bench;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

internal static class BenchCommand
{
    private const string PaperPack = "paper-random";

    public static Command Create(CliConsole console)
    {
        var model = new Option<string?>("--model", "-m") { Description = "Model pack to measure. Default: emoji-32 (paper-random with --paper)", HelpName = "NAME" };
        var quick = new Option<bool>("--quick") { Description = "A smoke run in seconds: every table, tiny sizes (numbers not meaningful)" };
        var paper = new Option<bool>("--paper")
        {
            Description = "Paper scale: the random-init paper pack (24x512 transformer, 256 tokens, 256 px), few steps, small batches",
        };
        var noReference = new Option<bool>("--no-reference") { Description = "Skip the comparison with the Python reference sampler" };
        var command = new Command("bench", """
            Measure speed as ratios side by side in one run, on one pack:
              - raw denoiser forward throughput (rows/s) at batch 1, 4, 16, 32, fp32 and int8 side by side when the
                pack has an int8 denoiser;
              - engine generation at 8, 16, 32, 64 steps vs the raw time of exactly the forwards and decodes it ran
                (overhead; goal ≤ 5%);
              - batched (max batch 16, 32) vs one job at a time on the same jobs;
              - vs the Python reference sampler (fp32) on the same architecture, steps, batch and 1/t unmask order, our
                side with the fp32 and int8 denoisers (goal ≥ 4x), run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
                unset for that process only; "skipped: why" when Python, torch or the training folder are missing.
            Engine and batching tables run the --precision given (default fp32).
            The paper pack is made by: PYTHONPATH=training python3 -m pipeline_training.paper_export --random-init --out models/paper-random

            Examples:
              pipeline bench
              pipeline bench --quick --model tiny-test --models tests/fixtures
              pipeline bench --paper --provider cpu
            """);
        foreach (Option option in (Option[])[model, quick, paper, noReference])
        {
            command.Options.Add(option);
        }

        command.Subcommands.Add(CanvasBenchCommand.Create(console));

        command.Validators.Add(r =>
        {
            if (r.GetValue(quick) && r.GetValue(paper))
            {
                r.AddError("give --quick or --paper, not both");
            }
        });
        command.SetAction((r, ct) => Guard.RunAsync(console, async () =>
        {
            var isPaper = r.GetValue(paper);
            var plan = r.GetValue(quick) ? BenchPlan.Quick : isPaper ? BenchPlan.Paper : BenchPlan.Standard;
            var root = ReferenceBench.FindRepositoryRoot();
            // Paper packs are git-ignored and too large to copy next to the app; find them in the repository's models/.
            var session = CliSession.Open(GlobalOptions.Read(r), console, root is null ? [] : [Path.Combine(root, "models")]);
            await using (session.ConfigureAwait(false))
            {
                var name = r.GetValue(model) ?? (isPaper ? PaperPack : null);
                if (isPaper && session.Packs.Find(name) is null)
                {
                    console.Out.WriteLine($"paper bench skipped: pack '{name}' not found (searched {string.Join(", ", session.SearchDirectories)}). " +
                        "Make it with: PYTHONPATH=training python3 -m pipeline_training.paper_export --random-init --out models/paper-random");
                    return ExitCodes.Ok;
                }

                var pack = session.ResolvePack(name);
                var withReference = !r.GetValue(noReference);
                if (console.IsTerminal)
                {
                    await console.Ansi.Status().StartAsync("bench", context =>
                        new BenchRunner(session, pack, plan, s => context.Status(Markup.Escape(s))).RunAsync(withReference, ct)).ConfigureAwait(false);
                }
                else
                {
                    await new BenchRunner(session, pack, plan, s => console.Out.WriteLine($"... {s}")).RunAsync(withReference, ct).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }
        }));
        return command;
    }
}
