using Pipeline.Contracts;
using Pipeline.Api.Tenancy;
using Pipeline.Scheduler.Contracts;
using Pipeline.ServiceDefaults.Tenancy;

namespace Pipeline.Api.Hosting;

/// <summary>
/// <c>/v1/schedules</c> on the API. Augmentation schedules live in the Scheduler host, which owns Hangfire; with
/// <see cref="ApiOptions.SchedulerUrl"/> set, the API forwards each schedule operation there (<see cref="SchedulerForwarder"/>)
/// after its own API-key check, so clients need one base URL. The <c>X-Api-Key</c> header goes along and the Scheduler
/// checks it again (and scopes schedules to the key's tenant), so both hosts are configured with the same keys and tenants
/// (<c>Pipeline:Tenancy</c>). Reading needs the <c>read</c> scope, writing and "run now" the <c>submit</c> scope. Each forwarded route is mapped with the Scheduler's
/// own description (<see cref="ScheduleOperations"/>), so the API's OpenAPI document describes them, bodies included.
/// Unset, the routes answer 404 saying where schedules are served, and the document leaves them out.
/// </summary>
internal static class ScheduleForwarding
{
    public static IServiceCollection AddScheduleForwarding(this IServiceCollection services)
    {
        services.AddHttpForwarder();
        services.AddSingleton<SchedulerForwarder>();
        return services;
    }

    /// <param name="v1">The <c>/v1</c> group (API key required).</param>
    /// <param name="schedulerUrl">The Scheduler host's base URL, or null when this API does not forward.</param>
    public static void MapScheduleForwarding(this RouteGroupBuilder v1, Uri? schedulerUrl)
    {
        var schedules = v1.MapGroup(ScheduleOperations.Prefix["/v1".Length..]);
        if (schedulerUrl is null)
        {
            schedules.Map("/{**rest}", () => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "schedules are not served by this API",
                    detail: "Augmentation schedules are served by the Scheduler host at its own /v1/schedules. Set Pipeline:Api:SchedulerUrl "
                        + "(env Pipeline__Api__SchedulerUrl) to the Scheduler's base URL to have this API forward them."))
                .ExcludeFromDescription();
            return;
        }

        // Each handler forwards the request untouched (the body is streamed on, never bound here); the parameters the
        // delegates declare are what the document shows, and the Scheduler binds and checks them again.
        schedules.MapGet(ScheduleOperations.Collection, (SchedulerForwarder scheduler, HttpContext context) => scheduler.ForwardAsync(context))
            .DescribeList().RequireScope(TenantScopes.Read);
        schedules.MapPost(ScheduleOperations.Collection, (SchedulerForwarder scheduler, HttpContext context) => scheduler.ForwardAsync(context))
            .DescribeCreate().RequireScope(TenantScopes.Submit);
        schedules.MapGet(ScheduleOperations.Item, (string id, SchedulerForwarder scheduler, HttpContext context) => scheduler.ForwardAsync(context))
            .DescribeGet().RequireScope(TenantScopes.Read);
        schedules.MapPut(ScheduleOperations.Item, (string id, SchedulerForwarder scheduler, HttpContext context) => scheduler.ForwardAsync(context))
            .DescribeReplace().RequireScope(TenantScopes.Submit);
        schedules.MapDelete(ScheduleOperations.Item, (string id, SchedulerForwarder scheduler, HttpContext context) => scheduler.ForwardAsync(context))
            .DescribeDelete().RequireScope(TenantScopes.Submit);
        schedules.MapPost(ScheduleOperations.Run, (string id, SchedulerForwarder scheduler, HttpContext context) => scheduler.ForwardAsync(context))
            .DescribeRunNow().RequireScope(TenantScopes.Submit);
        schedules.MapGet(ScheduleOperations.Runs, (string id, int? limit, SchedulerForwarder scheduler, HttpContext context) => scheduler.ForwardAsync(context))
            .DescribeRuns().RequireScope(TenantScopes.Read);
    }
}
