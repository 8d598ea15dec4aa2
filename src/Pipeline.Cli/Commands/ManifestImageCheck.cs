using System.Globalization;
using Pipeline.Client;
using Pipeline.Engine;

namespace Pipeline.Cli.Commands;

/// <summary>
/// Decodes every image a manifest names (local files and inline base64) before anything is uploaded, with the codec and
/// limits the API and the worker use: a bad file stops the submission at once (exit 2) with its line, code and sentence,
/// instead of after the uploads before it.
/// </summary>
internal static class ManifestImageCheck
{
    /// <summary>Throws <see cref="ManifestException"/> listing every image that would be refused, on the first line using it.</summary>
    public static void ThrowIfAnyRefused(Manifest manifest)
    {
        var errors = new List<ManifestError>();
        foreach (var image in manifest.Images)
        {
            byte[] bytes;
            try
            {
                bytes = image.FilePath is { } path ? File.ReadAllBytes(path) : Convert.FromBase64String(image.Base64!);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                continue; // the submitter reports files it cannot read, the reader malformed base64
            }

            try
            {
                var role = image.Field.StartsWith("mask", StringComparison.Ordinal) ? JobCommand.ImageRole.Mask : JobCommand.ImageRole.Source;
                if (bytes.Length == 0)
                {
                    throw new InvalidJobException(Pipeline.Contracts.ContractErrorCodes.ImageEmpty, "the image is empty (0 bytes); give a PNG, JPEG, GIF, BMP, WebP or TGA file with content");
                }

                JobCommand.CheckImage(bytes, role, path: null);
            }
            catch (InvalidJobException e)
            {
                var lines = manifest.Jobs.Where(j => j.SourceImage?.Identity == image.Identity || j.MaskImage?.Identity == image.Identity)
                    .Select(j => j.Line).ToList();
                var also = lines.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" (also used on {lines.Count - 1} more line(s))") : "";
                errors.Add(new ManifestError(lines.Count > 0 ? lines[0] : 0, e.Code, $"{image}: {e.Message}{also}"));
            }
        }

        if (errors.Count > 0)
        {
            throw new ManifestException([.. errors.OrderBy(e => e.Line)]);
        }
    }
}
