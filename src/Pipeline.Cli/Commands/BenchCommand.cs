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
        var frontierOnly = new Option<bool>("--frontier-only")
        {
            Description = "Only the headline: the breakdown at the pack's default, the frontier and the ratio at equal-or-better FD (no raw, overhead or batching tables)",
        };
        var command = new Command("bench", """
            Measure speed as ratios side by side in one run, on one pack:
              - the headline: where one image's time goes at the pack's default settings (the engine loop's phase
                clock); every point of the pack's frontier.json (FD from the pack's evaluator) with its images/s
                measured now, end to end on our side, sampling only on the reference's; for each reference point the
                fastest of our points at equal-or-better FD and the speed-up; and the pack's default vs the reference
                at 64 steps (goal ≥ 10x). A pack without frontier.json gets the default vs reference line, FD unknown;
              - raw denoiser forward throughput (rows/s) at batch 1, 4, 16, 32, fp32, int8 and (on CUDA) fp16 side by
                side, each the pack has;
              - the CPU thread layout: one denoiser session vs one per core on split rows (--denoiser-sessions);
              - engine generation at 8, 16, 32, 64 steps vs the raw time of exactly the forwards and decodes it ran
                (overhead; goal ≤ 5%);
              - batched (max batch 16, 32) vs one job at a time on the same jobs;
              - vs the Python reference sampler (fp32) on the same architecture, steps, batch and 1/t unmask order, our
                side with the fp32 and int8 denoisers (goal ≥ 4x), run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE
                unset for that process only; "skipped: why" when Python, torch or the training folder are missing.
            Engine and batching tables run the --precision given (default fp32).
            --provider cuda runs every table on the GPU (the denoiser through its IOBinding, fp16 too when the pack has it)
            and fails at once, saying so, where the CUDA provider does not start.
            The paper pack is made by: PYTHONPATH=training python3 -m pipeline_training.paper_export --random-init --out models/paper-random

            Examples:
              pipeline bench
              pipeline bench --quick --model tiny-test --models tests/fixtures
              pipeline bench --paper --provider cpu
              pipeline bench --frontier-only
              pipeline bench --provider cuda              (on a GPU worker image: docs/operations.md)
            """);
        foreach (Option option in (Option[])[model, quick, paper, noReference, frontierOnly])
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

                var pack = ResolveOnProvider(session, name);
                var withReference = !r.GetValue(noReference);
                var onlyFrontier = r.GetValue(frontierOnly);
                if (console.IsTerminal)
                {
                    await console.Ansi.Status().StartAsync("bench", context =>
                        new BenchRunner(session, pack, plan, s => context.Status(Markup.Escape(s))).RunAsync(withReference, onlyFrontier, ct)).ConfigureAwait(false);
                }
                else
                {
                    await new BenchRunner(session, pack, plan, s => console.Out.WriteLine($"... {s}")).RunAsync(withReference, onlyFrontier, ct).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }
        }));
        return command;
    }

    // The pack, or for --provider cuda on a machine where the CUDA provider does not load, a failure at once that
    // says where the bench can run (rather than ONNX Runtime's library error alone).
    private static LoadedPack ResolveOnProvider(CliSession session, string? name)
    {
        try
        {
            return session.ResolvePack(name);
        }
        catch (Inference.ModelPackException e) when (session.Settings.Provider == Inference.ExecutionProvider.Cuda)
        {
            throw new Inference.ModelPackException(
                "pipeline bench --provider cuda: the CUDA execution provider did not start on this machine, so nothing was measured. " +
                "Run it where it does: a GPU worker image (deploy/Dockerfile.worker-gpu) on a host with an NVIDIA GPU and its driver " +
                $"(docs/operations.md, \"Measuring on a GPU\"). ONNX Runtime said: {e.Message}", e);
        }
    }
}
