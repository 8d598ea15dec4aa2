using System.CommandLine;
using Pipeline.Cli.Commands;

namespace Pipeline.Cli;

/// <summary>The `pipeline` command tree and its entry point (in-process callable, so tests run it without a child process).</summary>
internal static class PipelineCli
{
    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("""
            pipeline: image generation, variation and inpainting with discrete absorbing diffusion (VQGAN tokens + a
            bidirectional transformer, "Unleashing Transformers"), run locally on a model pack. The embedded pack
            emoji-32 makes 32x32 emoji-like images with no download.

            Start here:
              pipeline demo                                   every job kind, contact sheets in ./demo-output
              pipeline generate --count 16 --seed 42          16 images in ./pipeline-output
              pipeline vary my.png --strength 0.4 --count 8
              pipeline inpaint my.png --rect 8,8,16,16
              pipeline generate --size 96x32                  a canvas larger than the model (also outpaint, stitch)
              pipeline outpaint my.png --extend left=16,right=16
              pipeline stitch a.png b.png --join 16 [--vertical]
              pipeline pack list                              the packs found
              pipeline bench --quick                          speed ratios on this machine
            These commands also take --models DIR (more pack folders), --provider auto|cpu|cuda, --threads N and
            --precision fp32|int8 (the pack's optional int8 denoiser); `pipeline generate --help` explains each.

            Against a running Pipeline API ($PIPELINE_API_URL, $PIPELINE_API_KEY, or --api and --api-key):
              pipeline submit jobs.jsonl --watch              a JSONL manifest of jobs as a batch, with a progress bar
              pipeline watch BATCH                            progress of a submitted batch
              pipeline fetch BATCH --out results/             its PNGs and jobs.jsonl (re-run to resume)
              pipeline status                                 workers, queue and throughput (an admin key)
              pipeline tenant key new --tenant acme           a key for a tenant, and the configuration entry (its SHA-256)

            Every image is written as NAME.png with NAME.json beside it (seed, steps, order, timings: enough to reproduce it).
            Exit codes: 0 ok, 1 job failures, 2 bad usage or input, 3 the API unreachable or failing.
            """);
        GlobalOptions.AddTo(root);
        Command[] local = [GenerateCommand.Create(console), VaryCommand.Create(console), InpaintCommand.Create(console),
            OutpaintCommand.Create(console), StitchCommand.Create(console),
            DemoCommand.Create(console), PackCommand.Create(console), BenchCommand.Create(console)];
        foreach (var command in local)
        {
            // Only the commands that load packs here take the pack options; submit/watch/fetch talk to an API.
            GlobalOptions.AddPackOptionsTo(command);
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(SubmitCommand.Create(console));
        root.Subcommands.Add(WatchCommand.Create(console));
        root.Subcommands.Add(FetchCommand.Create(console));
        root.Subcommands.Add(StatusCommand.Create(console));
        root.Subcommands.Add(TenantCommand.Create(console));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var parsed = Build(console).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // System.CommandLine exits 1 on parse errors; usage errors are 2 here, and 1 is kept for job failures.
            foreach (var error in parsed.Errors)
            {
                console.WriteError(error.Message);
            }

            var command = string.Join(' ', parsed.CommandResult.Command is RootCommand ? [] : new[] { parsed.CommandResult.Command.Name });
            console.Error.WriteLine($"Run 'pipeline {command}{(command.Length > 0 ? " " : string.Empty)}--help' for usage and examples.");
            return ExitCodes.BadInput;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = console.Out, Error = console.Error }, cancellationToken).ConfigureAwait(false);
    }
}
