using Microsoft.Extensions.Options;
using Pipeline.Api.Submission;
using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.Storage;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Tenancy;

namespace Pipeline.Api.Validation;

/// <summary>
/// The door for images: every uploaded image (raw, multipart, inline base64, in a batch) is decoded in full here, with
/// the worker's decoder and limits (<see cref="ImageCodec"/> with its defaults, what the worker's engine uses), before it is
/// stored or a job naming it is recorded; so a file the worker would refuse never becomes a queued job. A job's mask is
/// also checked against its source's size and for a marked pixel. Scoped: one request's decoded sizes are remembered by
/// key, so a batch naming one image a thousand times decodes it once.
/// Problems are added to the request's <see cref="RequestErrors"/> with the codes a failed job would carry
/// (<see cref="ContractErrorCodes"/>); the decode budget's <see cref="TimeoutException"/> is left to the exception handler (503).
/// </summary>
public sealed class ImageIntake(IInputStore inputs, ITenantStore tenants, IOptions<InputValidationOptions> options, IOptions<FileStorageOptions> files)
{
    // The worker builds its codec the same way (EngineFactory: new ImageCodec()): one set of limits, one decode budget per process.
    private static readonly ImageCodec Codec = new();

    private readonly Dictionary<string, (int Width, int Height)> _images = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Width, int Height)> _masks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PixelRect> _maskBounds = new(StringComparer.Ordinal);

    /// <summary>
    /// The keys this request uploaded for its tenant for the first time (201; others the tenant had uploaded before: same bytes,
    /// same key). Whether another tenant uploaded the same bytes stays unknown.
    /// </summary>
    public ISet<string> CreatedKeys { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The largest input accepted, in bytes: the input store's limit (<c>Pipeline:Storage:Files:MaxInputBytes</c>).</summary>
    public long MaxInputBytes => files.Value.MaxInputBytes;

    /// <summary>
    /// Checks <paramref name="bytes"/> as <paramref name="role"/>, stores them and records <paramref name="tenant"/> as their
    /// uploader (what lets its jobs use the key); their key, or null with an error under
    /// <paramref name="field"/> (<c>input_too_large</c> over the store's limit, else the decoder's code).
    /// </summary>
    public async Task<string?> AcceptAsync(string tenant, byte[] bytes, ImageRole role, string field, RequestErrors errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(errors);
        if (bytes.Length > MaxInputBytes)
        {
            errors.Add(field, StorageInputException.InputTooLarge,
                $"{field}: {bytes.Length} bytes, over the limit of {MaxInputBytes} bytes per image; downscale or recompress it");
            return null;
        }

        CheckedImage? size = null;
        if (bytes.Length > 0)
        {
            size = Check(bytes, role, field, errors);
            if (size is null)
            {
                return null;
            }
        }

        string key;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var stored = await inputs.PutAsync(stream, cancellationToken).ConfigureAwait(false);
            key = stored.Key;
            if (await tenants.RecordInputAsync(tenant, key, cancellationToken).ConfigureAwait(false))
            {
                CreatedKeys.Add(key);
            }
        }
        catch (StorageInputException e)
        {
            errors.Add(field, e.Code, $"{field}: {e.Message}");
            return null;
        }

        Remember(key, role, size!.Value);
        return key;
    }

    /// <summary>
    /// The checks a job's referenced inputs need beyond their upload: a source given by key must exist; an inpainting
    /// mask must decode as a mask, mark a pixel, and be the source's size or a model's; its marked pixels (or its
    /// rectangles, which must reach into the source) must fit one work region at some model size (the worker regenerates
    /// one region per job). Call once the request's fields passed <see cref="SubmitJobRules"/> (keys well formed, kind known).
    /// </summary>
    public async Task CheckJobInputsAsync(SubmitJob job, string fieldPrefix, RequestErrors errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(errors);
        if (job.SecondImageKey is { } secondKey && !_images.ContainsKey(secondKey)
            && !await inputs.ExistsAsync(secondKey, cancellationToken).ConfigureAwait(false))
        {
            NotFound(fieldPrefix + "secondImageKey", secondKey, errors);
        }

        if (job.SourceImageKey is not { } sourceKey || job.Kind == JobKinds.Generation)
        {
            return;
        }

        var rectangles = job.MaskRectangles is { Count: > 0 } given ? given : null;
        if (job.Kind != JobKinds.Inpainting || (job.MaskImageKey is null && rectangles is null))
        {
            if (!_images.ContainsKey(sourceKey) && !await inputs.ExistsAsync(sourceKey, cancellationToken).ConfigureAwait(false))
            {
                NotFound(fieldPrefix + "sourceImageKey", sourceKey, errors);
            }

            return;
        }

        var source = await SizeOfAsync(sourceKey, ImageRole.Source, fieldPrefix + "sourceImageKey", errors, cancellationToken).ConfigureAwait(false);
        var models = options.Value.ParsedModelImageSizes();
        if (job.MaskImageKey is not { } maskKey)
        {
            if (source is { } sourceSize)
            {
                CheckRectangles(rectangles!, sourceSize, models, fieldPrefix + "maskRectangles", errors);
            }

            return;
        }

        var mask = await SizeOfAsync(maskKey, ImageRole.Mask, fieldPrefix + "maskImageKey", errors, cancellationToken).ConfigureAwait(false);
        if (source is not { } s || mask is not { } m)
        {
            return;
        }

        if (m == s)
        {
            // A model-size mask is in the model's view of the source (its centred fit): one region by construction.
            CheckSpread(_maskBounds[maskKey], s, models, "mask", fieldPrefix + "maskImageKey", errors);
        }
        else if (models is not null && !models.Contains(m))
        {
            var mismatch = ImageCodec.MaskSizeMismatch(m, s, models);
            errors.Add(fieldPrefix + "maskImageKey", mismatch.Code, mismatch.Message);
        }
    }

    private static void CheckRectangles(IReadOnlyList<MaskRectangle> rectangles, (int Width, int Height) source,
        IReadOnlyList<(int Width, int Height)>? models, string field, RequestErrors errors)
    {
        PixelRect bounds;
        try
        {
            bounds = PixelMask.BoundsOfRectangles(source.Width, source.Height, [.. rectangles.Select(r => new PixelRect(r.X, r.Y, r.Width, r.Height))]);
        }
        catch (ImageInputException e)
        {
            errors.Add(field, e.Code, $"mask rectangles: {e.Message}");
            return;
        }

        CheckSpread(bounds, source, models, "mask rectangles", field, errors);
    }

    private static void CheckSpread(PixelRect bounds, (int Width, int Height) source, IReadOnlyList<(int Width, int Height)>? models,
        string what, string field, RequestErrors errors)
    {
        if (models is not null && ImageCodec.MaskSpreadRefusal(bounds, source, models, what) is { } refusal)
        {
            errors.Add(field, refusal.Code, refusal.Message);
        }
    }

    /// <summary>A stored input's size as <paramref name="role"/>, decoded once per request; null with an error when missing or bad.</summary>
    private async Task<(int Width, int Height)?> SizeOfAsync(string key, ImageRole role, string field, RequestErrors errors,
        CancellationToken cancellationToken)
    {
        var known = role == ImageRole.Mask ? _masks : _images;
        if (known.TryGetValue(key, out var size))
        {
            return size;
        }

        var bytes = await inputs.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            NotFound(field, key, errors);
            return null;
        }

        if (Check(bytes, role, field, errors) is not { } found)
        {
            return null;
        }

        Remember(key, role, found);
        return (found.Width, found.Height);
    }

    private void Remember(string key, ImageRole role, CheckedImage image)
    {
        if (role != ImageRole.Mask)
        {
            _images[key] = (image.Width, image.Height);
            return;
        }

        _masks[key] = (image.Width, image.Height);
        _maskBounds[key] = image.MaskBounds!.Value;
    }

    /// <summary>Decodes <paramref name="bytes"/> in full as <paramref name="role"/>; its size (and a mask's marked bounds), or null with the decoder's code and sentence.</summary>
    private static CheckedImage? Check(byte[] bytes, ImageRole role, string field, RequestErrors errors)
    {
        try
        {
            if (role == ImageRole.Mask)
            {
                var mask = Codec.DecodeMaskImage(bytes);
                return new CheckedImage(mask.Width, mask.Height, mask.Bounds());
            }

            var image = Codec.Decode(bytes, role == ImageRole.Source ? "source image" : "image");
            return new CheckedImage(image.Width, image.Height, null);
        }
        catch (ImageInputException e)
        {
            // Our own sentences, written for users (they name the input and say what to change); never a decoder's text.
            errors.Add(field, e.Code, e.Message);
            return null;
        }
    }

    private static void NotFound(string field, string key, RequestErrors errors) =>
        errors.Add(field, ContractErrorCodes.InputNotFound,
            $"{field} '{key}' names no stored input; upload the image first (POST /v1/inputs) or send it inline");

    /// <summary>A decoded input's size; for a mask, the bounds of its marked pixels (never empty: an empty mask is refused).</summary>
    private readonly record struct CheckedImage(int Width, int Height, PixelRect? MaskBounds);
}
