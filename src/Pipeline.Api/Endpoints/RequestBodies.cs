using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Pipeline.Api.Submission;
using Pipeline.Api.Validation;
using Pipeline.Contracts;
using Pipeline.Storage;
using Pipeline.Storage.Inputs;

namespace Pipeline.Api.Endpoints;

/// <summary>Reads JSON and multipart bodies so that every mistake becomes a field error, not a bare 400.</summary>
internal static class RequestBodies
{
    /// <summary>The body as <typeparamref name="T"/> with the contract JSON settings; null with an error naming the JSON path.</summary>
    public static async Task<T?> ReadJsonAsync<T>(Stream body, HttpContext context, RequestErrors errors, string field = "body")
        where T : class
    {
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(body, options, context.RequestAborted).ConfigureAwait(false);
            if (value is null)
            {
                errors.Add(field, "invalid_json", "the body must be a JSON object");
            }

            return value;
        }
        catch (JsonException e)
        {
            // Our sentence, not the serializer's (it names .NET types: "could not be converted to System.Int32").
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? field : e.Path.TrimStart('$', '.');
            var where = e.LineNumber is { } line && e.BytePositionInLine is { } column
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (line {line + 1}, byte {column + 1})")
                : "";
            errors.Add(path, "invalid_json",
                $"{path}: not valid JSON, or a value of the wrong type{where}; the request's fields and their types are in /openapi/v1.json");
            return null;
        }
    }

    /// <summary>
    /// A multipart job: the JSON in form field <c>job</c>, the images as files <c>sourceImage</c> and <c>maskImage</c>
    /// (decoded at the door and uploaded to the input store here for <paramref name="tenant"/>, their keys put in the request).
    /// </summary>
    public static async Task<JobRequest?> ReadMultipartJobAsync(HttpContext context, ImageIntake intake, string tenant, RequestErrors errors)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        JobRequest? request;
        if (form.TryGetValue("job", out var json) && json.Count == 1)
        {
            using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json[0]!));
            request = await ReadJsonAsync<JobRequest>(stream, context, errors, "job").ConfigureAwait(false);
        }
        else
        {
            errors.Add("job", "invalid_json", "a multipart job needs one form field 'job' holding the job's JSON");
            return null;
        }

        if (request is null)
        {
            return null;
        }

        var source = await UploadAsync(form.Files.GetFile("sourceImage"), request.SourceImageKey, "sourceImage", ImageRole.Source, intake, tenant, errors, context.RequestAborted)
            .ConfigureAwait(false);
        var mask = await UploadAsync(form.Files.GetFile("maskImage"), request.MaskImageKey, "maskImage", ImageRole.Mask, intake, tenant, errors, context.RequestAborted)
            .ConfigureAwait(false);
        var second = await UploadAsync(form.Files.GetFile("secondImage"), request.SecondImageKey, "secondImage", ImageRole.Source, intake, tenant, errors, context.RequestAborted)
            .ConfigureAwait(false);
        return request with { SourceImageKey = source, MaskImageKey = mask, SecondImageKey = second };
    }

    private static async Task<string?> UploadAsync(IFormFile? file, string? key, string field, ImageRole role, ImageIntake intake, string tenant,
        RequestErrors errors, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return key;
        }

        if (key is not null)
        {
            errors.Add(field, "invalid_input_key", $"give the {field} file or {field}Key, not both");
            return key;
        }

        if (file.Length > intake.MaxInputBytes)
        {
            errors.Add(field, StorageInputException.InputTooLarge,
                $"{field}: {file.Length} bytes, over the limit of {intake.MaxInputBytes} bytes per image; downscale or recompress it");
            return null;
        }

        var bytes = new byte[file.Length];
        var stream = file.OpenReadStream();
        await using (stream.ConfigureAwait(false))
        {
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        return await intake.AcceptAsync(tenant, bytes, role, field, errors, cancellationToken).ConfigureAwait(false);
    }
}
