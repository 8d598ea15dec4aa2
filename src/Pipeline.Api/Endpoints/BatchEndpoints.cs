using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Api.Submission;
using Pipeline.Api.Tenancy;
using Pipeline.ServiceDefaults.Tenancy;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;

namespace Pipeline.Api.Endpoints;

/// <summary>Batches: many jobs in one call, and their progress.</summary>
internal static class BatchEndpoints
{
    /// <summary>Jobs per page of <c>GET /v1/batches/{id}/jobs</c> without <c>limit</c>.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>The largest <c>limit</c>; larger values are lowered to it.</summary>
    public const int MaxPageSize = 1000;

    public static RouteGroupBuilder MapBatchEndpoints(this RouteGroupBuilder group)
    {
        group.MapPost("/batches", SubmitAsync)
            .WithName("SubmitBatch")
            .WithSummary("Submit up to 1000 jobs at once. Items without a jobId get <batchId>.<index>, so a retried batch is the same batch; "
                + "the same batch id with different jobs is 409, naming the differing fields.")
            .Accepts<BatchRequest>("application/json")
            .Produces<BatchView>(StatusCodes.Status202Accepted)
            .Produces<BatchView>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .RequireScope(TenantScopes.Submit);
        group.MapGet("/batches/{batchId}", GetAsync)
            .WithName("GetBatch")
            .WithSummary("The batch: open or completed, expected jobs, and its recorded jobs counted by status.")
            .Produces<BatchView>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireScope(TenantScopes.Read);
        group.MapGet("/batches/{batchId}/jobs", ListAsync)
            .WithName("ListBatchJobs")
            .WithSummary("A page of the batch's jobs in job-id order: ?limit=<1-1000, default 100>&after=<the previous page's next>. "
                + "The answer's next is the after value of the following page, null on the last.")
            .Produces<BatchJobsPage>().ProducesProblem(StatusCodes.Status404NotFound)
            .RequireScope(TenantScopes.Read);
        return group;
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, JobSubmitter submitter, IJobStore jobs, InFlightQuota quota, TimeProvider time)
    {
        var caller = TenantCaller.Of(context);
        var errors = new RequestErrors();
        var request = await RequestBodies.ReadJsonAsync<BatchRequest>(context.Request.Body, context, errors).ConfigureAwait(false);
        if (request is null)
        {
            return errors.ToResult();
        }

        var clientBatchId = JobEndpoints.ResolveId(request.BatchId, context, "batchId", errors);
        var batchId = clientBatchId is null ? null : caller.QualifyNew(clientBatchId, "batchId", errors);
        if (clientBatchId is null || batchId is null)
        {
            return errors.ToResult();
        }

        if (request.Jobs is not { Count: > 0 } items || items.Count > SubmitBatch.MaxJobs)
        {
            errors.Add("jobs", ContractErrorCodes.InvalidBatch, $"jobs must hold 1 to {SubmitBatch.MaxJobs} jobs");
            return errors.ToResult();
        }

        var messages = new List<SubmitJob>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var prefix = string.Create(CultureInfo.InvariantCulture, $"jobs[{i}].");
            var clientJobId = item.JobId ?? string.Create(CultureInfo.InvariantCulture, $"{clientBatchId}.{i}");
            var jobId = caller.QualifyNew(clientJobId, prefix + "jobId", errors);
            if (jobId is null)
            {
                continue;
            }

            var message = await submitter.ToMessageAsync(caller.Tenant, item, jobId, batchId, errors, prefix, context.RequestAborted).ConfigureAwait(false);
            if (message is not null)
            {
                messages.Add(message);
            }
        }

        if (errors.IsEmpty)
        {
            errors.AddContractErrors(SubmitJobRules.Validate(new SubmitBatch { BatchId = batchId, Jobs = messages, CallbackUrl = request.CallbackUrl })
                .Where(e => e.Code is ContractErrorCodes.InvalidBatch or ContractErrorCodes.InvalidBatchId or ContractErrorCodes.InvalidCallbackUrl
                    && !e.Message.Contains("]: ", StringComparison.Ordinal)));
        }

        if (!errors.IsEmpty)
        {
            return errors.ToResult();
        }

        // Items naming jobs outside this batch, and a repeat with different content, are refused before anything is written.
        var clientNamed = Enumerable.Range(0, items.Count).Where(i => items[i].JobId is not null);
        var ofOtherBatches = await BatchConflicts.FindJobsOfOtherBatchesAsync(jobs, batchId, messages, clientNamed, context.RequestAborted)
            .ConfigureAwait(false);
        if (ofOtherBatches.Count > 0)
        {
            return IdempotencyConflict.ForJobsOfOtherBatches(clientBatchId,
                [.. ofOtherBatches.Select(item => (item.Index, caller.ViewId(item.JobId), item.OtherBatchId is { } other ? caller.ViewId(other) : null))]);
        }

        if (await jobs.GetBatchAsync(batchId, context.RequestAborted).ConfigureAwait(false) is { } existing)
        {
            var differing = await BatchConflicts.FindAsync(jobs, existing, messages, request.CallbackUrl, context.RequestAborted).ConfigureAwait(false);
            if (differing.Count > 0)
            {
                return IdempotencyConflict.ForBatch(clientBatchId, differing, othersRecorded: false);
            }
        }
        else if (await quota.CheckAsync(caller.Tenant, messages.Count, context.RequestAborted).ConfigureAwait(false) is { } overQuota)
        {
            // A new batch counts whole against the quota; a repeat (finishing a cut-short first attempt) is let through.
            return overQuota;
        }

        var batch = await jobs.InsertBatchAsync(new NewBatch
        {
            BatchId = batchId,
            ExpectedJobs = messages.Count,
            CallbackUrl = request.CallbackUrl,
            SubmittedAt = time.GetUtcNow(),
        }, context.RequestAborted).ConfigureAwait(false);

        // Every item again, also for a repeated batch: a first attempt cut short records and sends the rest now. An item
        // can still conflict here: its id belongs to a job outside the batch, or a different submission raced this one.
        var conflicts = new List<string>();
        for (var i = 0; i < messages.Count; i++)
        {
            var submitted = await submitter.SubmitAsync(messages[i], context.RequestAborted).ConfigureAwait(false);
            conflicts.AddRange(submitted.DifferingFields.Select(field => BatchConflicts.ItemField(i, field)));
        }

        if (conflicts.Count > 0)
        {
            return IdempotencyConflict.ForBatch(clientBatchId, conflicts, othersRecorded: true);
        }

        var record = await jobs.GetBatchAsync(batchId, context.RequestAborted).ConfigureAwait(false) ?? batch.Batch;
        var view = BatchView.From(record, [.. messages.Select(m => caller.ViewId(m.JobId)).Select(id => new BatchItemView(id, JobEndpointsPaths.Job(id)))],
            caller);
        return batch.Created ? TypedResults.Accepted(view.StatusUrl, view) : TypedResults.Ok(view);
    }

    private static async Task<IResult> GetAsync(string batchId, HttpContext context, IJobStore jobs, CancellationToken cancellationToken)
    {
        var caller = TenantCaller.Of(context);
        var record = await FindAsync(caller, batchId, jobs, cancellationToken).ConfigureAwait(false);
        return record is null ? NotFound(batchId) : TypedResults.Ok(BatchView.From(record, caller: caller));
    }

    /// <summary>The caller's batch <paramref name="batchId"/> (any tenant's for an admin), or null: another tenant's is not found.</summary>
    private static async Task<BatchRecord?> FindAsync(TenantCaller caller, string batchId, IJobStore jobs, CancellationToken cancellationToken)
    {
        var storedId = caller.Lookup(batchId);
        var record = storedId is null ? null : await jobs.GetBatchAsync(storedId, cancellationToken).ConfigureAwait(false);
        return record is not null && caller.CanSee(record.BatchId) ? record : null;
    }

    private static async Task<IResult> ListAsync(string batchId, string? after, int? limit, HttpContext context, IJobStore jobs,
        CancellationToken cancellationToken)
    {
        var caller = TenantCaller.Of(context);
        var record = await FindAsync(caller, batchId, jobs, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return NotFound(batchId);
        }

        // Pages are keyed by stored ids; the cursor the client sees is its own id, qualified back here.
        var storedAfter = after is null ? null : TenantIds.Qualify(TenantIds.TenantOf(record.BatchId), after);
        var size = Math.Clamp(limit ?? DefaultPageSize, 1, MaxPageSize);
        var page = await jobs.ListBatchJobsAsync(record.BatchId, storedAfter, size, cancellationToken).ConfigureAwait(false);

        // A full page says there is a next one only when a job follows it, so the last page never points at an empty one.
        var next = page.Count == size
            && (await jobs.ListBatchJobsAsync(record.BatchId, page[^1].JobId, 1, cancellationToken).ConfigureAwait(false)).Count > 0
            ? TenantIds.ClientIdOf(page[^1].JobId)
            : null;
        return TypedResults.Ok(new BatchJobsPage([.. page.Select(job => JobView.From(job, caller))], next));
    }

    private static ProblemHttpResult NotFound(string batchId) =>
        TypedResults.Problem($"no batch has the id '{batchId}'", statusCode: StatusCodes.Status404NotFound, title: "Batch not found");
}

/// <summary>A page of a batch's jobs (<c>GET /v1/batches/{id}/jobs</c>).</summary>
/// <param name="Jobs">The jobs, in job-id order, each as <c>GET /v1/jobs/{id}</c> shows it.</param>
/// <param name="Next">
/// Pass as <c>after</c> to get the following page; null on the last page. Written as <c>"next": null</c> there, not left
/// out as the contract settings leave other nulls: a client's loop reads "no next page", not "field missing".
/// </param>
public sealed record BatchJobsPage(
    IReadOnlyList<JobView> Jobs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);
