namespace Pipeline.Api.Hosting;

/// <summary>
/// <c>/v1/schedules</c> on the API. Augmentation schedules live in the Scheduler host, which owns Hangfire; with
/// <see cref="ApiOptions.SchedulerUrl"/> set, the API forwards <c>/v1/schedules</c> and everything below it there
/// (YARP direct forwarding: method, path, query, body and headers as sent, the answer as given), after its own API-key
/// check, so clients need one base URL. The <c>X-Api-Key</c> header goes along and the Scheduler checks it again, so
/// both hosts are configured with the same keys. Unset, the route answers 404 saying where schedules are served.
/// </summary>
internal static class ScheduleForwarding
{
    public const string Pattern = "/schedules/{**rest}";

    public static IServiceCollection AddScheduleForwarding(this IServiceCollection services) => services.AddHttpForwarder();

    /// <param name="v1">The <c>/v1</c> group (API key required).</param>
    /// <param name="schedulerUrl">The Scheduler host's base URL, or null when this API does not forward.</param>
    public static void MapScheduleForwarding(this RouteGroupBuilder v1, Uri? schedulerUrl)
    {
        if (schedulerUrl is null)
        {
            v1.Map(Pattern, () => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "schedules are not served by this API",
                    detail: "Augmentation schedules are served by the Scheduler host at its own /v1/schedules. Set Pipeline:Api:SchedulerUrl "
                        + "(env Pipeline__Api__SchedulerUrl) to the Scheduler's base URL to have this API forward them."))
                .ExcludeFromDescription();
            return;
        }

        // The request path (/v1/schedules/...) is appended to the prefix: the Scheduler's base URL, any path prefix kept.
        v1.MapForwarder(Pattern, schedulerUrl.ToString().TrimEnd('/')).ExcludeFromDescription();
    }
}
