using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Scheduler.Contracts;

/// <summary>
/// The <c>/v1/schedules</c> operations: their routes (relative to <see cref="Prefix"/>) and their descriptions (name,
/// summary, bodies, status codes). The Scheduler maps them to its handlers and the Api to forwarders; both describe
/// them from here, so the Scheduler's OpenAPI document and the Api's agree on every operation.
/// </summary>
public static class ScheduleOperations
{
    /// <summary>Where the operations live on both hosts.</summary>
    public const string Prefix = "/v1/schedules";

    /// <summary>The collection: list (GET) and create (POST).</summary>
    public const string Collection = "";

    /// <summary>One schedule: get, create-or-replace (PUT), delete.</summary>
    public const string Item = "/{id}";

    /// <summary>"Run now" (POST).</summary>
    public const string Run = "/{id}/run";

    /// <summary>The run history (GET, <c>?limit=</c> 1–500, default 50).</summary>
    public const string Runs = "/{id}/runs";

    /// <summary>The tag both documents group these operations under.</summary>
    public const string Tag = "schedules";

    /// <summary><c>GET /v1/schedules</c>.</summary>
    public static RouteHandlerBuilder DescribeList(this RouteHandlerBuilder endpoint) =>
        Named(endpoint, "ListSchedules", "Every schedule, by id.")
            .Produces<IReadOnlyList<AugmentationSchedule>>();

    /// <summary><c>GET /v1/schedules/{id}</c>.</summary>
    public static RouteHandlerBuilder DescribeGet(this RouteHandlerBuilder endpoint) =>
        Named(endpoint, "GetSchedule", "One schedule.")
            .Produces<AugmentationSchedule>()
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary><c>POST /v1/schedules</c>.</summary>
    public static RouteHandlerBuilder DescribeCreate(this RouteHandlerBuilder endpoint) =>
        Named(endpoint, "CreateSchedule", "Create a schedule; 409 when its id exists (PUT replaces). " + Checks)
            .Accepts<AugmentationSchedule>("application/json")
            .Produces<AugmentationSchedule>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary><c>PUT /v1/schedules/{id}</c>.</summary>
    public static RouteHandlerBuilder DescribeReplace(this RouteHandlerBuilder endpoint) =>
        Named(endpoint, "ReplaceSchedule", "Create (201) or replace (200) the schedule; the body's id must be the path's. " + Checks)
            .Accepts<AugmentationSchedule>("application/json")
            .Produces<AugmentationSchedule>(StatusCodes.Status200OK)
            .Produces<AugmentationSchedule>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary><c>DELETE /v1/schedules/{id}</c>.</summary>
    public static RouteHandlerBuilder DescribeDelete(this RouteHandlerBuilder endpoint) =>
        Named(endpoint, "DeleteSchedule", "Delete the schedule and its cron trigger; its runs and datasets stay.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary><c>POST /v1/schedules/{id}/run</c>.</summary>
    public static RouteHandlerBuilder DescribeRunNow(this RouteHandlerBuilder endpoint) =>
        Named(endpoint, "RunSchedule",
                "Run now, for the current period: 202 with the batch id when this call queued the run; 200 naming the same batch when "
                + "the period already has one (of parallel calls, exactly one is 202). A failed run of the period is queued again (202).")
            .Produces<RunNowResult>(StatusCodes.Status202Accepted)
            .Produces<RunNowResult>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary><c>GET /v1/schedules/{id}/runs</c>.</summary>
    public static RouteHandlerBuilder DescribeRuns(this RouteHandlerBuilder endpoint) =>
        Named(endpoint, "ListScheduleRuns",
                "The schedule's runs, newest period first (?limit= 1-500, default 50), failed ones with the reason; kept after the schedule is deleted.")
            .Produces<IReadOnlyList<ScheduleRunView>>();

    private const string Checks =
        "400 names each invalid field (a cron error names its field, e.g. 'minute field: 61 is out of range 0-59'); "
        + "422 says why the source cannot make a run (folder or manifest missing, no decodable image among the first ones, too many jobs).";

    private static RouteHandlerBuilder Named(RouteHandlerBuilder endpoint, string name, string summary)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.WithName(name).WithSummary(summary).WithTags(Tag);
    }
}
