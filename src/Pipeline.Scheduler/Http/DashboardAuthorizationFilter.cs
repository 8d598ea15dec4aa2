using Hangfire.Dashboard;
using Pipeline.ServiceDefaults.Authentication;

namespace Pipeline.Scheduler.Http;

/// <summary>
/// Replaces Hangfire's default local-requests-only filter: the dashboard is open to authenticated users only. The
/// endpoint also requires authorization, so this is the second of two locks (it still holds if someone maps the
/// dashboard without <c>RequireAuthorization</c>). <see cref="IsReadOnly"/> decides who may change things.
/// </summary>
internal sealed class DashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => context.GetHttpContext().User.Identity?.IsAuthenticated == true;

    /// <summary>
    /// Read-only (no delete, requeue or trigger buttons, and Hangfire refuses those commands) unless the key is one of
    /// <c>Pipeline:Scheduler:AdminKeys</c>, which the key handler marks with the admin role.
    /// </summary>
    public static bool IsReadOnly(DashboardContext context) => !context.GetHttpContext().User.IsInRole(ApiKeyAuthentication.AdminRole);
}
