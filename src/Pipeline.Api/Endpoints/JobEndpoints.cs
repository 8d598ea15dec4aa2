using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pipeline.Api.Submission;
using Pipeline.Api.Validation;
using Pipeline.Contracts;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Results;

namespace Pipeline.Api.Endpoints;

/// <summary>Single jobs: submit, status, result, metadata, cancel.</summary>
internal static class JobEndpoints
{
    /// <summary>The idempotency header: the job (or batch) id when the body names none.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/jobs", SubmitAsync)
            .WithName("SubmitJob")
            .WithSummary("Submit a job (JSON, or multipart with a 'job' JSON field and image files). A repeated id with the same request "
                + "returns the existing job (200); with a different request, 409 naming the differing fields.")
            .Accepts<JobRequest>("application/json", "multipart/form-data")
            .Produces<JobView>(StatusCodes.Status202Accepted)
            .Produces<JobView>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        group.MapGet("/jobs/{jobId}", GetAsync).WithName("GetJob").Produces<JobView>().ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/jobs/{jobId}/result", (string jobId, IJobStore jobs, IResultStore results, CancellationToken ct) =>
                FileAsync(jobId, ResultFile.Image, "image/png", jobs, results, ct))
            .WithName("GetJobResult").Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/jobs/{jobId}/metadata", (string jobId, IJobStore jobs, IResultStore results, CancellationToken ct) =>
                FileAsync(jobId, ResultFile.Metadata, "application/json", jobs, results, ct))
            .WithName("GetJobMetadata").Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/jobs/{jobId}/cancel", CancelAsync)
            .WithName("CancelJob")
            .WithSummary("Cancel a queued or running job; a running job stops between iterations.")
            .Produces<JobView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, JobSubmitter submitter, ImageIntake intake)
    {
        var errors = new RequestErrors();
        var request = context.Request.HasFormContentType
            ? await RequestBodies.ReadMultipartJobAsync(context, intake, errors).ConfigureAwait(false)
            : await RequestBodies.ReadJsonAsync<JobRequest>(context.Request.Body, context, errors).ConfigureAwait(false);
        if (request is null || !errors.IsEmpty)
        {
            return errors.ToResult();
        }

        var jobId = ResolveId(request.JobId, context, "jobId", errors);
        if (jobId is null)
        {
            return errors.ToResult();
        }

        var message = await submitter.ToMessageAsync(request, jobId, batchId: null, errors, "", context.RequestAborted).ConfigureAwait(false);
        if (message is null)
        {
            return errors.ToResult();
        }

        var submitted = await submitter.SubmitAsync(message, context.RequestAborted).ConfigureAwait(false);
        if (submitted.Conflicts)
        {
            return IdempotencyConflict.ForJob(jobId, submitted.DifferingFields);
        }

        var view = JobView.From(submitted.Job);
        return submitted.Created ? TypedResults.Accepted(view.StatusUrl, view) : TypedResults.Ok(view);
    }

    private static async Task<IResult> GetAsync(string jobId, IJobStore jobs, CancellationToken cancellationToken)
    {
        if (!JobIds.IsValid(jobId))
        {
            return NotFound(jobId);
        }

        var record = await jobs.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        return record is null ? NotFound(jobId) : TypedResults.Ok(JobView.From(record));
    }

    private static async Task<IResult> FileAsync(string jobId, ResultFile file, string contentType, IJobStore jobs, IResultStore results,
        CancellationToken cancellationToken)
    {
        if (!JobIds.IsValid(jobId))
        {
            return NotFound(jobId);
        }

        var record = await jobs.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return NotFound(jobId);
        }

        if (record.Status != JobStatus.Succeeded)
        {
            return TypedResults.Problem($"job {jobId} is {record.Status.ToText()}; its result exists once it has succeeded",
                statusCode: StatusCodes.Status409Conflict, title: "No result yet",
                extensions: new Dictionary<string, object?> { ["status"] = record.Status.ToText() });
        }

        var stream = await results.OpenReadAsync(jobId, file, cancellationToken).ConfigureAwait(false);
        return stream is null
            ? TypedResults.Problem($"job {jobId} succeeded but its {ResultKeys.FileName(file)} is missing from the result store",
                statusCode: StatusCodes.Status404NotFound, title: "Result file missing")
            : TypedResults.Stream(stream, contentType, ResultKeys.FileName(file));
    }

    private static async Task<IResult> CancelAsync(string jobId, [FromBody] CancelRequest? body, IJobStore jobs, JobSubmitter submitter,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (!JobIds.IsValid(jobId))
        {
            return NotFound(jobId);
        }

        var record = await jobs.GetAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return NotFound(jobId);
        }

        if (record.Status.IsTerminal())
        {
            return TypedResults.Problem($"job {jobId} has already ended ({record.Status.ToText()}); it keeps that outcome",
                statusCode: StatusCodes.Status409Conflict, title: "Job already ended",
                extensions: new Dictionary<string, object?> { ["status"] = record.Status.ToText() });
        }

        // Recorded here, so the answer already says canceled and no worker starts the job after this point; the message
        // tells the worker running it (if any) to stop between iterations, and announces JobCanceled.
        var transition = await jobs.CancelAsync(jobId, body?.Reason, cancellationToken).ConfigureAwait(false);
        if (!transition.Applied && transition.Job?.Status != JobStatus.Canceled)
        {
            return TypedResults.Problem($"job {jobId} ended ({transition.Job?.Status.ToText()}) before the cancel arrived; it keeps that outcome",
                statusCode: StatusCodes.Status409Conflict, title: "Job already ended");
        }

        await submitter.CancelAsync(new CancelJob { JobId = jobId, Reason = body?.Reason, RequestedAt = time.GetUtcNow() }, cancellationToken)
            .ConfigureAwait(false);
        var view = JobView.From(transition.Job ?? record);
        return TypedResults.Accepted(view.StatusUrl, view);
    }

    /// <summary>The id from the body, else the Idempotency-Key header, else a new one; null (with an error) when they disagree or are malformed.</summary>
    internal static string? ResolveId(string? fromBody, HttpContext context, string field, RequestErrors errors)
    {
        var header = context.Request.Headers[IdempotencyHeader].ToString();
        header = string.IsNullOrEmpty(header) ? null : header;
        if (fromBody is not null && header is not null && fromBody != header)
        {
            errors.Add(field, ContractErrorCodes.InvalidJobId, $"{field} '{fromBody}' and the {IdempotencyHeader} header '{header}' differ; give one, or the same");
            return null;
        }

        var id = fromBody ?? header ?? JobIds.New();
        if (!JobIds.IsValid(id))
        {
            errors.Add(fromBody is null && header is not null ? IdempotencyHeader : field,
                field == "batchId" ? ContractErrorCodes.InvalidBatchId : ContractErrorCodes.InvalidJobId, $"{field} must match {JobIds.Pattern}");
            return null;
        }

        return id;
    }

    internal static ProblemHttpResult NotFound(string jobId) =>
        TypedResults.Problem($"no job has the id '{jobId}'", statusCode: StatusCodes.Status404NotFound, title: "Job not found");
}

/// <summary>The optional body of a cancel.</summary>
public sealed record CancelRequest(string? Reason);
