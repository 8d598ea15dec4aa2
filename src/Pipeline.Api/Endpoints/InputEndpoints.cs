using Pipeline.Contracts;
using Pipeline.Api.Submission;
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
            .RequireScope(TenantScopes.Submit)
            .DisableAntiforgery();
        return group;
    }

    private static async Task<IResult> UploadAsync(HttpContext context, TenantUploads uploads)
    {
        Stream body;
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            if (form.Files.Count != 1)
            {
                var errors = new RequestErrors();
                errors.Add("file", "input_empty", "a multipart upload holds exactly one file");
                return errors.ToProblem();
            }

            body = form.Files[0].OpenReadStream();
        }
        else
        {
            body = context.Request.Body;
        }

        try
        {
            // 201 when new for this tenant (not when new to the store): whether another tenant uploaded the same bytes stays unknown.
            var (stored, newForTenant) = await uploads.PutAsync(TenantCaller.Of(context).Tenant, body, context.RequestAborted).ConfigureAwait(false);
            var view = new UploadedInput(stored.Key, stored.Length);
            return newForTenant ? TypedResults.Created($"/v1/inputs/{stored.Key}", view) : TypedResults.Ok(view);
        }
        catch (StorageInputException e) when (e.Code == StorageInputException.InputTooLarge)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status413PayloadTooLarge, title: "The upload is too large",
                extensions: new Dictionary<string, object?> { ["code"] = e.Code });
        }
        catch (StorageInputException e)
        {
            var errors = new RequestErrors();
            errors.Add("file", e.Code, e.Message);
            return errors.ToProblem();
        }
        finally
        {
            if (!ReferenceEquals(body, context.Request.Body))
            {
                await body.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
