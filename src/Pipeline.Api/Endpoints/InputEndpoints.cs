using Pipeline.Contracts;
using Pipeline.Api.Submission;
using Pipeline.Api.Validation;
using Pipeline.Api.Tenancy;
using Pipeline.ServiceDefaults.Tenancy;
using Pipeline.Storage;

namespace Pipeline.Api.Endpoints;

/// <summary><c>POST /v1/inputs</c>: upload a source image or mask, get its content key (usable by the uploader's tenant only).</summary>
internal static class InputEndpoints
{
    public static RouteGroupBuilder MapInputEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/inputs", UploadAsync)
            .WithName("UploadInput")
            .WithSummary("Upload an image or mask (raw body, or multipart with one file); returns its key sha256:<hex>.")
            .Accepts<IFormFile>("multipart/form-data", "application/octet-stream", "image/png", "image/jpeg")
            .Produces<UploadedInput>(StatusCodes.Status201Created)
            .Produces<UploadedInput>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireScope(TenantScopes.Submit)
            .DisableAntiforgery();
        return group;
    }

    private static async Task<IResult> UploadAsync(HttpContext context, ImageIntake intake)
    {
        var errors = new RequestErrors();
        byte[]? bytes;
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            if (form.Files.Count != 1)
            {
                errors.Add("file", "input_empty", "a multipart upload holds exactly one file");
                return errors.ToResult();
            }

            var stream = form.Files[0].OpenReadStream();
            await using (stream.ConfigureAwait(false))
            {
                bytes = await BoundedBody.ReadAsync(stream, intake.MaxInputBytes, context.RequestAborted).ConfigureAwait(false);
            }
        }
        else
        {
            bytes = await BoundedBody.ReadAsync(context.Request.Body, intake.MaxInputBytes, context.RequestAborted).ConfigureAwait(false);
        }

        if (bytes is null)
        {
            return TooLarge(intake.MaxInputBytes);
        }

        if (bytes.Length == 0)
        {
            errors.Add("file", StorageInputException.InputEmpty, "the upload is empty; send the image's bytes as the body (or as the one file of a multipart form)");
            return errors.ToResult();
        }

        // Decoded in full before it is stored: a file the worker would refuse is refused here (422 with its code).
        var key = await intake.AcceptAsync(TenantCaller.Of(context).Tenant, bytes, ImageRole.Upload, "file", errors, context.RequestAborted).ConfigureAwait(false);
        if (key is null)
        {
            return errors.Status == StatusCodes.Status413PayloadTooLarge ? TooLarge(intake.MaxInputBytes) : errors.ToResult();
        }

        var created = intake.CreatedKeys.Contains(key);
        var view = new UploadedInput(key, bytes.Length);
        return created ? TypedResults.Created($"/v1/inputs/{key}", view) : TypedResults.Ok(view);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem($"the input is larger than {limit} bytes (Pipeline:Storage:Files:MaxInputBytes); downscale or recompress it",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "The upload is too large",
            extensions: new Dictionary<string, object?> { ["code"] = StorageInputException.InputTooLarge });
}
