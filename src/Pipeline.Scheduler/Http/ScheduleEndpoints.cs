using Pipeline.Scheduler.Runs;
using Pipeline.Scheduler.Schedules;

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

        group.MapGet(ScheduleOperations.Collection, async (IScheduleStore store, CancellationToken ct) => Results.Ok(await store.ListAsync(ct)))
            .DescribeList();

        group.MapGet(ScheduleOperations.Item, async (string id, IScheduleStore store, CancellationToken ct) =>
                await store.GetAsync(id, ct) is { } schedule ? Results.Ok(schedule) : NotFound(id))
            .DescribeGet();

        group.MapPost(ScheduleOperations.Collection, async (AugmentationSchedule schedule, ScheduleService service, CancellationToken ct) =>
                Answer(await service.CreateAsync(schedule, ct), schedule))
            .DescribeCreate();

        group.MapPut(ScheduleOperations.Item, async (string id, AugmentationSchedule schedule, ScheduleService service, CancellationToken ct) =>
                schedule.Id != id
                    ? Problems(StatusCodes.Status400BadRequest, "invalid schedule", [$"the body's id '{schedule.Id}' differs from the path's '{id}'"])
                    : Answer(await service.UpsertAsync(schedule, ct), schedule))
            .DescribeReplace();

        group.MapDelete(ScheduleOperations.Item, async (string id, ScheduleService service, CancellationToken ct) =>
                await service.DeleteAsync(id, ct) ? Results.NoContent() : NotFound(id))
            .DescribeDelete();

        group.MapPost(ScheduleOperations.Run, async (string id, ScheduleService service, CancellationToken ct) =>
                await service.RunNowAsync(id, ct) is not { } result ? NotFound(id)
                : result.QueuedJobId is null ? Results.Ok(result)
                : Results.Accepted($"{ScheduleOperations.Prefix}/{id}/runs", result))
            .DescribeRunNow();

        group.MapGet(ScheduleOperations.Runs, async (string id, IScheduleStore store, CancellationToken ct, int limit = 50) =>
                Results.Ok((await store.ListRunsAsync(id, Math.Clamp(limit, 1, 500), ct)).Select(View)))
            .DescribeRuns();

        return group;
    }

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
