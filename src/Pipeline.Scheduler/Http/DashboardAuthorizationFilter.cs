using Hangfire.Dashboard;

namespace Pipeline.Scheduler.Http;

/// <summary>
/// Replaces Hangfire's default local-requests-only filter: the dashboard is open to authenticated users only. The
/// endpoint also requires authorization, so this is the second of two locks (it still holds if someone maps the
/// dashboard without <c>RequireAuthorization</c>).
/// </summary>
internal sealed class DashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => context.GetHttpContext().User.Identity?.IsAuthenticated == true;
}
