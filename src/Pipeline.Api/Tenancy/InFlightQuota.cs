using Microsoft.Extensions.Options;
using Pipeline.ServiceDefaults.Tenancy;
using Pipeline.Storage.Tenancy;

namespace Pipeline.Api.Tenancy;

/// <summary>
/// The per-tenant cap on jobs in flight (queued + running, <see cref="TenantLimits.MaxInFlightJobs"/>), checked before new
/// jobs are recorded: over it, 429 with code <see cref="Code"/>. It is a count taken before recording, not a lock, so
/// submissions racing each other may pass it together by at most their own jobs; repeats of recorded jobs are not counted.
/// </summary>
public sealed class InFlightQuota(ITenantStore tenants, IOptionsMonitor<TenancyOptions> tenancy)
{
    /// <summary>The problem's <c>code</c>, which names the quota.</summary>
    public const string Code = "in_flight_quota_exceeded";

    /// <summary>Null when <paramref name="tenant"/> may add <paramref name="newJobs"/> jobs; otherwise the 429 to answer.</summary>
    public async Task<IResult?> CheckAsync(string tenant, int newJobs, CancellationToken cancellationToken)
    {
        var limit = tenancy.CurrentValue.LimitsFor(tenant).MaxInFlightJobs ?? 0;
        if (limit <= 0 || newJobs <= 0)
        {
            return null;
        }

        var inFlight = await tenants.CountInFlightAsync(tenant, cancellationToken).ConfigureAwait(false);
        if (inFlight + newJobs <= limit)
        {
            return null;
        }

        return Results.Problem(
            $"tenant '{tenant}' has {inFlight} jobs queued or running and may have at most {limit} (MaxInFlightJobs); "
            + $"these {newJobs} would exceed it. Submit again once some have finished.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many jobs in flight",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = Code, ["quota"] = "maxInFlightJobs", ["limit"] = limit, ["inFlight"] = inFlight, ["tenant"] = tenant,
            });
    }
}
