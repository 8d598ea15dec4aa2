using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Cli.Remote;
using Pipeline.Client;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>`pipeline submit MANIFEST.jsonl`: check a job manifest, upload its local images, submit it as batch(es), optionally watch.</summary>
internal static partial class SubmitCommand
{
    public static Command Create(CliConsole console)
    {
        var remote = new RemoteOptions();
        var manifest = new Argument<FileInfo>("MANIFEST")
        {
            Description = "JSONL job manifest: one job per line, e.g. {\"kind\":\"variation\",\"sourceImageFile\":\"cat.png\",\"steps\":16}",
        };
        var batchId = new Option<string?>("--batch-id", "-b")
        {
            Description = "Batch id (and idempotency key: the same manifest under the same id again submits nothing twice). "
                + "Default: <manifest name>-<UTC time>-<random>",
            HelpName = "ID",
        };
        var watch = new Option<bool>("--watch", "-w")
        {
            Description = "Show progress until the batch completes; exit 1 if any job failed or was canceled",
        };
        var interval = RemoteOptions.Seconds("--interval", "Seconds between status polls with --watch", 2);
        var command = new Command("submit", $"""
            Submit a JSONL manifest of jobs to a running Pipeline API as one batch, and print the batch id on stdout.
            Every line is checked first (nothing is sent if any line is bad; errors name their line). Local images
            (sourceImageFile, maskImageFile: paths relative to the manifest) are uploaded once each. A manifest of
            more than {SubmitBatch.MaxJobs} jobs is submitted as several batches, <id>-1, <id>-2, … ({SubmitBatch.MaxJobs} jobs each,
            in line order), one id per line on stdout. Lines without jobId get <batch id>-<line number, 6 digits>.

            Manifest lines take the fields of POST /v1/jobs: kind (generation|variation|inpainting), steps, seed,
            priority (interactive|standard|bulk), order, temperature, topK, strength, modelPack, jobId,
            maskRectangles [{"{"}"x":0,"y":0,"width":8,"height":8{"}"}], featherPixels, callbackUrl, and a source/mask image as
            sourceImageFile/maskImageFile (a path), sourceImage/maskImage (base64) or sourceImageKey/maskImageKey.

            Examples:
              export {RemoteOptions.UrlVariable}=http://localhost:8080 {RemoteOptions.KeyVariable}=change-me
              pipeline submit jobs.jsonl --watch
              pipeline submit jobs.jsonl --batch-id nightly-2024-06-01     # safe to re-run: same id, same batch
              BATCH=$(pipeline submit jobs.jsonl) && pipeline watch $BATCH && pipeline fetch $BATCH --out results/

            Exit codes: 0 submitted (with --watch: every job succeeded); 1 with --watch, a job failed or was canceled;
            2 bad manifest, unknown option or refused API key; 3 the API unreachable or failing (re-run with the same --batch-id).
            """);
        command.Arguments.Add(manifest);
        command.Options.Add(batchId);
        command.Options.Add(watch);
        command.Options.Add(interval);
        remote.AddTo(command);
        command.SetAction((r, ct) => Guard.RunAsync(console, async () =>
        {
            var settings = remote.Read(r, console);
            var file = r.GetValue(manifest)!;
            var id = r.GetValue(batchId) ?? DefaultBatchId(file.Name);
            if (!JobIds.IsValid(id) || id.Length > JobManifestReader.MaxBatchIdLength)
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"--batch-id '{id}' must be 1 to {JobManifestReader.MaxBatchIdLength} characters of A-Z a-z 0-9 . _ -, starting with a letter or digit"));
            }

            return await RemoteGuard.RunAsync(console, settings, () =>
                RunAsync(console, settings, file, id, r.GetValue(watch), TimeSpan.FromSeconds(r.GetValue(interval)), ct)).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, RemoteSettings settings, FileInfo file, string batchId, bool watch, TimeSpan interval,
        CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new UsageException($"the manifest '{file.FullName}' does not exist");
        }

        Manifest manifest;
        try
        {
            manifest = await JobManifestReader.ReadFileAsync(file.FullName, batchId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the manifest '{file.FullName}': {e.Message}", e);
        }

        ManifestImageCheck.ThrowIfAnyRefused(manifest);
        var parts = manifest.Parts;
        var images = manifest.Images.Count;
        console.Error.WriteLine(Inv($"{file.Name}: {manifest.Jobs.Count} jobs") + (images > 0 ? Inv($", {images} local image(s) to upload") : "")
            + (parts.Count > 1 ? Inv($", as {parts.Count} batches of up to {SubmitBatch.MaxJobs}") : "") + $" → {settings.BaseAddress}");

        using var connection = ApiConnection.Open(settings, console);
        var printed = 0;
        var progress = new BatchDisplay.Reporter<ManifestSubmitProgress>(p =>
        {
            // Each batch id goes to stdout as soon as the API has it, so a run cut short still says what was submitted.
            for (; printed < p.Submitted.Count; printed++)
            {
                var s = p.Submitted[printed];
                console.Out.WriteLine(s.Batch.BatchId);
                console.Error.WriteLine(s.Created
                    ? Inv($"submitted batch {s.Batch.BatchId}: {s.Batch.Expected} jobs")
                    : Inv($"batch {s.Batch.BatchId} was already submitted ({s.Batch.Expected} jobs; nothing duplicated, any job a cut-short run missed is queued)"));
            }
        });
        try
        {
            await new ManifestSubmitter(connection.Client).SubmitAsync(manifest, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PipelineApiUnreachableException or PipelineApiException or OperationCanceledException)
        {
            // Running the same command again helps when the run was cut short; a refusal (4xx other than 429) needs the
            // manifest changed first, or the same refusal comes back.
            var refused = e is PipelineApiException { StatusCode: var status } && (int)status is >= 400 and < 500 && (int)status != 429;
            console.Error.WriteLine(refused
                ? Inv($"{printed} of {parts.Count} batch(es) submitted; the API refused the next (below). Change what it names in {file.Name}, then run `pipeline submit {file.Name} --batch-id {batchId}` again: batches already submitted are not duplicated.")
                : Inv($"{printed} of {parts.Count} batch(es) submitted. Re-running `pipeline submit {file.Name} --batch-id {batchId}` completes it without duplicates."));
            throw;
        }

        if (images > 0)
        {
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"uploaded {images} image(s)"));
        }

        var ids = parts.Select(p => p.BatchId).ToList();
        if (!watch)
        {
            console.Error.WriteLine($"Progress: pipeline watch {string.Join(' ', ids)}; results: pipeline fetch {string.Join(' ', ids)} --out DIR");
            return ExitCodes.Ok;
        }

        return await BatchDisplay.WatchAsync(console, connection.Client, ids, interval, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>&lt;manifest name&gt;-&lt;yyyyMMdd-HHmmss&gt;-&lt;6 hex&gt;</c>: readable, sortable by time, and unique per run.</summary>
    internal static string DefaultBatchId(string manifestFileName)
    {
        var stem = NotIdCharacters().Replace(Path.GetFileNameWithoutExtension(manifestFileName), "-").Trim('-', '.', '_');
        stem = stem.Length == 0 ? "batch" : stem[..Math.Min(stem.Length, 40)].TrimEnd('-', '.', '_');
        return string.Create(CultureInfo.InvariantCulture,
            $"{stem}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}");
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("[^A-Za-z0-9._-]+", RegexOptions.CultureInvariant)]
    private static partial Regex NotIdCharacters();
}
