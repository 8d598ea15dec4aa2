using Pipeline.Cli.Running;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Imaging;

namespace Pipeline.Cli.Commands;

/// <summary>The shared body of generate, vary and inpaint: resolve the pack, run the jobs, write results, report.</summary>
internal static class JobCommand
{
    // The engine's codec with its default limits: what the worker and the API decode with.
    private static readonly ImageCodec Codec = new();

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
        if (bytes.Length == 0)
        {
            throw new InvalidJobException(ContractErrorCodes.ImageEmpty,
                $"the {what} '{file.FullName}' is empty (0 bytes); give a PNG, JPEG, GIF, BMP, WebP or TGA file with content");
        }

        CheckImage(bytes, what == "mask" ? ImageRole.Mask : ImageRole.Source, file.FullName);
        return bytes;
    }

    /// <summary>What a file given to the CLI is for, which decides how it is checked.</summary>
    public enum ImageRole
    {
        Source,
        Mask,
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/> in full with the engine's codec and limits before any pack is loaded, so a bad
    /// file fails at once with the code and sentence the API and the worker give it (exit 2). The engine checks again
    /// (it also needs the model's size for the mask).
    /// </summary>
    public static void CheckImage(byte[] bytes, ImageRole role, string? path)
    {
        try
        {
            if (role == ImageRole.Mask)
            {
                Codec.DecodeMaskImage(bytes);
            }
            else
            {
                Codec.Decode(bytes);
            }
        }
        catch (ImageInputException e)
        {
            throw new InvalidJobException(e.Code, path is null ? e.Message : $"{path}: {e.Message}", e);
        }
    }

}
