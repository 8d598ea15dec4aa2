using Pipeline.Scheduler.Schedules;

namespace Pipeline.Scheduler.Http;

/// <summary>
/// <c>/v1/schedules</c>: list, get, create (POST), create-or-replace (PUT), delete, "run now" and run history.
/// Validation problems answer 400 with an RFC 7807 body listing them.
/// </summary>
internal static class ScheduleEndpoints
{
    public static RouteGroupBuilder MapScheduleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/schedules").RequireAuthorization();

        group.MapGet("/", async (IScheduleStore store, CancellationToken ct) => Results.Ok(await store.ListAsync(ct)));

        group.MapGet("/{id}", async (string id, IScheduleStore store, CancellationToken ct) =>
            await store.GetAsync(id, ct) is { } schedule ? Results.Ok(schedule) : Results.NotFound());

        group.MapPost("/", async (AugmentationSchedule schedule, ScheduleService service, CancellationToken ct) =>
        {
            var (errors, created) = await service.CreateAsync(schedule, ct);
            return errors.Count > 0 ? Invalid(errors)
                : created ? Results.Created($"/v1/schedules/{schedule.Id}", schedule)
                : Results.Problem(statusCode: StatusCodes.Status409Conflict, title: $"schedule {schedule.Id} already exists", detail: "use PUT to replace it");
        });

        group.MapPut("/{id}", async (string id, AugmentationSchedule schedule, ScheduleService service, CancellationToken ct) =>
        {
            if (schedule.Id != id)
            {
                return Invalid([$"the body's id '{schedule.Id}' differs from the path's '{id}'"]);
            }

            var (errors, created) = await service.UpsertAsync(schedule, ct);
            return errors.Count > 0 ? Invalid(errors) : created ? Results.Created($"/v1/schedules/{id}", schedule) : Results.Ok(schedule);
        });

        group.MapDelete("/{id}", async (string id, ScheduleService service, CancellationToken ct) =>
            await service.DeleteAsync(id, ct) ? Results.NoContent() : Results.NotFound());

        group.MapPost("/{id}/run", async (string id, ScheduleService service, CancellationToken ct) =>
            await service.RunNowAsync(id, ct) is { } result
                ? (result.QueuedJobId is null ? Results.Ok(result) : Results.Accepted($"/v1/schedules/{id}/runs", result))
                : Results.NotFound());

        group.MapGet("/{id}/runs", async (string id, IScheduleStore store, CancellationToken ct, int limit = 50) =>
            Results.Ok((await store.ListRunsAsync(id, Math.Clamp(limit, 1, 500), ct)).Select(run => new
            {
                run.ScheduleId,
                run.PeriodStart,
                run.BatchId,
                run.Status,
                Jobs = run.Plan.Jobs.Count,
                run.Succeeded,
                run.DatasetPath,
                run.CreatedAt,
                run.SubmittedAt,
                run.CompletedAt,
            })));

        return group;
    }

    private static IResult Invalid(IReadOnlyList<string> errors) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "invalid schedule", detail: string.Join("; ", errors),
            extensions: new Dictionary<string, object?> { ["errors"] = errors });
}
