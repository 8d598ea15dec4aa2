using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pipeline.Api.Submission;
using Pipeline.Api.Validation;
using Pipeline.Api.Tenancy;
using Pipeline.ServiceDefaults.Tenancy;
using Pipeline.Contracts;
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
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireScope(TenantScopes.Submit)
            .DisableAntiforgery();
        group.MapGet("/jobs/{jobId}", GetAsync).WithName("GetJob").Produces<JobView>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireScope(TenantScopes.Read);
        group.MapGet("/jobs/{jobId}/result", (string jobId, HttpContext context, IJobStore jobs, IResultStore results, CancellationToken ct) =>
                FileAsync(TenantCaller.Of(context), jobId, ResultFile.Image, "image/png", jobs, results, ct))
            .RequireScope(TenantScopes.Read)
            .WithName("GetJobResult").Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/jobs/{jobId}/metadata", (string jobId, HttpContext context, IJobStore jobs, IResultStore results, CancellationToken ct) =>
                FileAsync(TenantCaller.Of(context), jobId, ResultFile.Metadata, "application/json", jobs, results, ct))
            .RequireScope(TenantScopes.Read)
            .WithName("GetJobMetadata").Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/jobs/{jobId}/cancel", CancelAsync)
            .WithName("CancelJob")
            .WithSummary("Cancel a queued or running job; a running job stops between iterations.")
            .Produces<JobView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireScope(TenantScopes.Cancel);
        return group;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, JobSubmitter submitter, ImageIntake intake, IJobStore jobs, InFlightQuota quota)
    {
        var caller = TenantCaller.Of(context);
        var errors = new RequestErrors();
        var request = context.Request.HasFormContentType
            ? await RequestBodies.ReadMultipartJobAsync(context, intake, caller.Tenant, errors).ConfigureAwait(false)
            : await RequestBodies.ReadJsonAsync<JobRequest>(context.Request.Body, context, errors).ConfigureAwait(false);
        if (request is null || !errors.IsEmpty)
        {
            return errors.ToResult();
        }

        var jobId = ResolveId(request.JobId, context, "jobId", errors);
        var storedId = jobId is null ? null : caller.QualifyNew(jobId, "jobId", errors);
        if (jobId is null || storedId is null)
        {
            return errors.ToResult();
        }

        // Only a new job counts against the quota: a repeat of a recorded one is answered as before.
        if (await jobs.GetAsync(storedId, context.RequestAborted).ConfigureAwait(false) is null
            && await quota.CheckAsync(caller.Tenant, 1, context.RequestAborted).ConfigureAwait(false) is { } overQuota)
        {
            return overQuota;
        }

        var message = await submitter.ToMessageAsync(caller.Tenant, request, storedId, batchId: null, errors, "", context.RequestAborted).ConfigureAwait(false);
        if (message is null)
        {
            return errors.ToResult();
        }

        var submitted = await submitter.SubmitAsync(message, context.RequestAborted).ConfigureAwait(false);
        if (submitted.Conflicts)
        {
            return IdempotencyConflict.ForJob(jobId, submitted.DifferingFields);
        }

        var view = JobView.From(submitted.Job, caller);
        return submitted.Created ? TypedResults.Accepted(view.StatusUrl, view) : TypedResults.Ok(view);
    }

    private static async Task<IResult> GetAsync(string jobId, HttpContext context, IJobStore jobs, CancellationToken cancellationToken)
    {
        var caller = TenantCaller.Of(context);
        var record = await FindAsync(caller, jobId, jobs, cancellationToken).ConfigureAwait(false);
        return record is null ? NotFound(jobId) : TypedResults.Ok(JobView.From(record, caller));
    }

    /// <summary>The caller's job <paramref name="jobId"/> (any tenant's for an admin), or null: another tenant's is not found.</summary>
    internal static async Task<JobRecord?> FindAsync(TenantCaller caller, string jobId, IJobStore jobs, CancellationToken cancellationToken)
    {
        var storedId = caller.Lookup(jobId);
        if (storedId is null)
        {
            return null;
        }

        var record = await jobs.GetAsync(storedId, cancellationToken).ConfigureAwait(false);
        return record is not null && caller.CanSee(record.JobId) ? record : null;
    }

    private static async Task<IResult> FileAsync(TenantCaller caller, string jobId, ResultFile file, string contentType, IJobStore jobs,
        IResultStore results, CancellationToken cancellationToken)
    {
        var record = await FindAsync(caller, jobId, jobs, cancellationToken).ConfigureAwait(false);
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

        var stream = await results.OpenReadAsync(record.JobId, file, cancellationToken).ConfigureAwait(false);
        return stream is null
            ? TypedResults.Problem($"job {jobId} succeeded but its {ResultKeys.FileName(file)} is missing from the result store",
                statusCode: StatusCodes.Status404NotFound, title: "Result file missing")
            : TypedResults.Stream(stream, contentType, ResultKeys.FileName(file));
    }

    private static async Task<IResult> CancelAsync(string jobId, [FromBody] CancelRequest? body, HttpContext context, IJobStore jobs,
        JobSubmitter submitter, TimeProvider time, CancellationToken cancellationToken)
    {
        var caller = TenantCaller.Of(context);
        var record = await FindAsync(caller, jobId, jobs, cancellationToken).ConfigureAwait(false);
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
        var transition = await jobs.CancelAsync(record.JobId, body?.Reason, cancellationToken).ConfigureAwait(false);
        if (!transition.Applied && transition.Job?.Status != JobStatus.Canceled)
        {
            return TypedResults.Problem($"job {jobId} ended ({transition.Job?.Status.ToText()}) before the cancel arrived; it keeps that outcome",
                statusCode: StatusCodes.Status409Conflict, title: "Job already ended");
        }

        await submitter.CancelAsync(new CancelJob { JobId = record.JobId, Reason = body?.Reason, RequestedAt = time.GetUtcNow() }, cancellationToken)
            .ConfigureAwait(false);
        var view = JobView.From(transition.Job ?? record, caller);
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
