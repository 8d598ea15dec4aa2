using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Pipeline.ServiceDefaults.Tenancy;

namespace Pipeline.Api.Tenancy;

/// <summary>
/// Per-tenant request rate (ASP.NET Core rate limiting): one token bucket per tenant, shared by all its keys, of
/// <see cref="TenantLimits.Burst"/> tokens refilled by <see cref="TenantLimits.RequestsPerSecond"/> each second. A request
/// over it answers 429 with <c>Retry-After</c> (whole seconds) and code <see cref="Code"/>. Anonymous requests (health,
/// the OpenAPI document, and requests that will get 401) are not limited. The bucket's settings are part of its
/// partition key, so limits changed by a configuration reload apply to new requests at once.
/// </summary>
public static class TenantRateLimiting
{
    /// <summary>The problem's <c>code</c>.</summary>
    public const string Code = "rate_limited";

    public static IServiceCollection AddTenantRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (context.User.Identity?.IsAuthenticated != true)
                {
                    return RateLimitPartition.GetNoLimiter("anonymous");
                }

                var tenant = context.User.TenantId();
                var limits = context.RequestServices.GetRequiredService<IOptionsMonitor<TenancyOptions>>().CurrentValue.LimitsFor(tenant);
                var perSecond = limits.RequestsPerSecond ?? 0;
                if (perSecond <= 0)
                {
                    return RateLimitPartition.GetNoLimiter("unlimited:" + tenant);
                }

                var burst = Math.Max(perSecond, limits.Burst ?? 0);
                return RateLimitPartition.GetTokenBucketLimiter(string.Create(CultureInfo.InvariantCulture, $"{tenant}:{perSecond}:{burst}"),
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = burst,
                        TokensPerPeriod = perSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var tenant = context.User.TenantId();
        await Results.Problem(
                $"tenant '{tenant}' is over its request rate; retry after {seconds} s (Retry-After). Its limit is set by "
                + "Pipeline:Tenancy (RequestsPerSecond, Burst).",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                extensions: new Dictionary<string, object?> { ["code"] = Code, ["tenant"] = tenant, ["retryAfterSeconds"] = seconds })
            .ExecuteAsync(context).ConfigureAwait(false);
    }
}
