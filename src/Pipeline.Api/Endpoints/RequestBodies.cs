using Pipeline.Api.Tenancy;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Pipeline.Api.Submission;
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
            var path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? field : e.Path.TrimStart('$', '.');
            errors.Add(path, "invalid_json", e.Message);
            return null;
        }
    }

    /// <summary>
    /// A multipart job: the JSON in form field <c>job</c>, the images as files <c>sourceImage</c> and <c>maskImage</c>
    /// (uploaded to the input store here for <paramref name="tenant"/>, their keys put in the request).
    /// </summary>
    public static async Task<JobRequest?> ReadMultipartJobAsync(HttpContext context, TenantUploads uploads, string tenant, RequestErrors errors)
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

        var source = await UploadAsync(form.Files.GetFile("sourceImage"), request.SourceImageKey, "sourceImage", uploads, tenant, errors, context.RequestAborted)
            .ConfigureAwait(false);
        var mask = await UploadAsync(form.Files.GetFile("maskImage"), request.MaskImageKey, "maskImage", uploads, tenant, errors, context.RequestAborted)
            .ConfigureAwait(false);
        return request with { SourceImageKey = source, MaskImageKey = mask };
    }

    private static async Task<string?> UploadAsync(IFormFile? file, string? key, string field, TenantUploads uploads, string tenant, RequestErrors errors,
        CancellationToken cancellationToken)
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

        try
        {
            var stream = file.OpenReadStream();
            await using (stream.ConfigureAwait(false))
            {
                return (await uploads.PutAsync(tenant, stream, cancellationToken).ConfigureAwait(false)).Stored.Key;
            }
        }
        catch (StorageInputException e)
        {
            errors.Add(field, e.Code, $"{field}: {e.Message}");
            return null;
        }
    }
}
