using Pipeline.Cli.Running;
using Pipeline.Contracts;
using Pipeline.Engine;

namespace Pipeline.Cli.Commands;

/// <summary>The shared body of generate, vary and inpaint: resolve the pack, run the jobs, write results, report.</summary>
internal static class JobCommand
{
    public static async Task<int> RunAsync(CliConsole console, GlobalSettings global, JobSettings settings, string title,
        Func<int, EngineJob> makeJob, CancellationToken cancellationToken)
    {
        var session = CliSession.Open(global, console);
        await using (session.ConfigureAwait(false))
        {
            var pack = session.ResolvePack(settings.Model);
            var engine = session.CreateEngine(settings.MaxBatch);
            var jobs = Enumerable.Range(0, settings.Count).Select(makeJob).Select(j => j with { ModelPack = pack.Name }).ToList();
            var outcome = await new JobRunner(engine, console)
                .RunAsync(title, jobs, (_, result) => ResultWriter.Write(settings.OutDirectory, result), cancellationToken)
                .ConfigureAwait(false);
            return RunReport.Finish(console, outcome, settings.OutDirectory);
        }
    }

    /// <summary>The bytes of an input file, or a usage error that names it.</summary>
    public static byte[] ReadInput(FileInfo file, string what)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the {what} '{file.FullName}': {e.Message}", e);
        }

        // An empty file is an empty image, not a missing one (which is what the engine would take no bytes for).
        return bytes.Length > 0
            ? bytes
            : throw new InvalidJobException(ContractErrorCodes.ImageEmpty,
                $"the {what} '{file.FullName}' is empty (0 bytes); give a PNG, JPEG, GIF, BMP, WebP or TGA file with content");
    }
}
