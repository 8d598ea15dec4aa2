using Pipeline.Contracts;
using Pipeline.Scheduler.Runs;
using Pipeline.Scheduler.Schedules;
using Pipeline.ServiceDefaults.Tenancy;

namespace Pipeline.Scheduler.Http;

/// <summary>
/// <c>/v1/schedules</c>: list, get, create (POST), create-or-replace (PUT), delete, "run now" and run history, described
/// by <see cref="ScheduleOperations"/> (which the Api's forwarded routes share). Invalid fields answer 400 and a source
/// that cannot make a run 422, each an RFC 7807 body listing the problems in <c>errors</c>.
/// </summary>
internal static class ScheduleEndpoints
{
    public static RouteGroupBuilder MapScheduleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(ScheduleOperations.Prefix).RequireAuthorization();

        // Every schedule belongs to a tenant: a key sees its tenant's (an admin key every tenant's); another tenant's id
        // answers 404 as if it did not exist. Reading needs the read scope, the rest the submit scope.
        group.MapGet(ScheduleOperations.Collection, async (HttpContext context, IScheduleStore store, CancellationToken ct) =>
                Results.Ok((await store.ListAsync(ct)).Where(s => Visible(context, s))))
            .DescribeList().RequireAuthorization(ScopePolicies.Name(TenantScopes.Read));

        group.MapGet(ScheduleOperations.Item, async (string id, HttpContext context, IScheduleStore store, CancellationToken ct) =>
                await FindAsync(context, id, store, ct) is { } schedule ? Results.Ok(schedule) : NotFound(id))
            .DescribeGet().RequireAuthorization(ScopePolicies.Name(TenantScopes.Read));

        group.MapPost(ScheduleOperations.Collection, async (AugmentationSchedule schedule, HttpContext context, ScheduleService service, CancellationToken ct) =>
                Answer(await service.CreateAsync(schedule with { Tenant = context.User.TenantId() }, ct), schedule))
            .DescribeCreate().RequireAuthorization(ScopePolicies.Name(TenantScopes.Submit));

        group.MapPut(ScheduleOperations.Item, async (string id, AugmentationSchedule schedule, HttpContext context, IScheduleStore store,
                ScheduleService service, CancellationToken ct) =>
                schedule.Id != id
                    ? Problems(StatusCodes.Status400BadRequest, "invalid schedule", [$"the body's id '{schedule.Id}' differs from the path's '{id}'"])
                    : Answer(await service.UpsertAsync(schedule with { Tenant = await OwnerForWriteAsync(context, id, store, ct) }, ct), schedule))
            .DescribeReplace().RequireAuthorization(ScopePolicies.Name(TenantScopes.Submit));

        group.MapDelete(ScheduleOperations.Item, async (string id, HttpContext context, IScheduleStore store, ScheduleService service, CancellationToken ct) =>
                await FindAsync(context, id, store, ct) is not null && await service.DeleteAsync(id, ct) ? Results.NoContent() : NotFound(id))
            .DescribeDelete().RequireAuthorization(ScopePolicies.Name(TenantScopes.Submit));

        group.MapPost(ScheduleOperations.Run, async (string id, HttpContext context, IScheduleStore store, ScheduleService service, CancellationToken ct) =>
                await FindAsync(context, id, store, ct) is null || await service.RunNowAsync(id, ct) is not { } result ? NotFound(id)
                : result.QueuedJobId is null ? Results.Ok(result)
                : Results.Accepted($"{ScheduleOperations.Prefix}/{id}/runs", result))
            .DescribeRunNow().RequireAuthorization(ScopePolicies.Name(TenantScopes.Submit));

        group.MapGet(ScheduleOperations.Runs, async (string id, HttpContext context, IScheduleStore store, CancellationToken ct, int limit = 50) =>
                await FindAsync(context, id, store, ct) is null ? NotFound(id)
                : Results.Ok((await store.ListRunsAsync(id, Math.Clamp(limit, 1, 500), ct)).Select(View)))
            .DescribeRuns().RequireAuthorization(ScopePolicies.Name(TenantScopes.Read));

        return group;
    }

    /// <summary>True when the caller may see <paramref name="schedule"/>: its tenant's, or any for an admin key.</summary>
    private static bool Visible(HttpContext context, AugmentationSchedule schedule) =>
        context.User.IsTenantAdmin() || schedule.Tenant == context.User.TenantId();

    private static async Task<AugmentationSchedule?> FindAsync(HttpContext context, string id, IScheduleStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } schedule && Visible(context, schedule) ? schedule : null;

    /// <summary>
    /// The tenant a PUT writes under: the caller's, or for an admin replacing another tenant's schedule, that tenant (the
    /// schedule keeps its owner). A non-admin naming another tenant's id gets 409 from the store, as for POST.
    /// </summary>
    private static async Task<string> OwnerForWriteAsync(HttpContext context, string id, IScheduleStore store, CancellationToken ct) =>
        context.User.IsTenantAdmin() && await store.GetAsync(id, ct) is { } existing ? existing.Tenant : context.User.TenantId();

    private static IResult Answer(ScheduleWrite write, AugmentationSchedule schedule) => write.Outcome switch
    {
        ScheduleWriteOutcome.Created => Results.Created($"{ScheduleOperations.Prefix}/{schedule.Id}", schedule),
        ScheduleWriteOutcome.Replaced => Results.Ok(schedule),
        ScheduleWriteOutcome.AlreadyExists => Results.Problem(statusCode: StatusCodes.Status409Conflict,
            title: $"schedule {schedule.Id} already exists", detail: "use PUT to replace it"),
        ScheduleWriteOutcome.Invalid => Problems(StatusCodes.Status400BadRequest, "invalid schedule", write.Problems),
        ScheduleWriteOutcome.UnusableSource => Problems(StatusCodes.Status422UnprocessableEntity,
            "the schedule's source cannot make a run", write.Problems),
        _ => throw new ArgumentOutOfRangeException(nameof(write), write.Outcome, "unknown outcome"),
    };

    private static ScheduleRunView View(AugmentationRun run) => new()
    {
        ScheduleId = run.ScheduleId,
        PeriodStart = run.PeriodStart,
        BatchId = run.BatchId,
        Status = run.Status,
        Jobs = run.Plan.Jobs.Count,
        Succeeded = run.Succeeded,
        DatasetPath = run.DatasetPath,
        Error = run.Error,
        CreatedAt = run.CreatedAt,
        SubmittedAt = run.SubmittedAt,
        CompletedAt = run.CompletedAt,
    };

    private static IResult NotFound(string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "schedule not found", detail: $"no schedule has the id '{id}'");

    private static IResult Problems(int status, string title, IReadOnlyList<string> problems) =>
        Results.Problem(statusCode: status, title: title, detail: string.Join("; ", problems),
            extensions: new Dictionary<string, object?> { ["errors"] = problems });
}
