using Pipeline.Contracts;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Pipeline.Api.Tenancy;
using Pipeline.ServiceDefaults.Tenancy;
using Pipeline.Storage.Jobs;

namespace Pipeline.Api.Tests;

/// <summary>Per-tenant limits: the request rate (token bucket, 429 + Retry-After) and the in-flight job quota (429 naming it).</summary>
public sealed class TenantLimitTests
{
    private const string AcmeKey = "pk_acme-limited";
    private const string GlobexKey = "pk_globex-free";

    private static Dictionary<string, string?> Limited(string setting, string value) => new()
    {
        ["Pipeline:Tenancy:Tenants:acme:Keys:0:Sha256"] = ApiKeyHashes.Sha256Hex(AcmeKey),
        [$"Pipeline:Tenancy:Tenants:acme:{setting}"] = value,
        ["Pipeline:Tenancy:Tenants:globex:Keys:0:Sha256"] = ApiKeyHashes.Sha256Hex(GlobexKey),
    };

    [Fact]
    public async Task OverTheTenantsRate_429WithRetryAfterAndCode_OtherTenantsUnaffected()
    {
        var settings = Limited("RequestsPerSecond", "1");
        settings["Pipeline:Tenancy:Tenants:acme:Burst"] = "2";
        await using var api = await InMemoryApi.StartAsync(settings: settings);
        using var acme = api.CreateHttp(AcmeKey);
        using var globex = api.CreateHttp(GlobexKey);

        // A bucket of 2 refilled by 1 a second: of 20 requests in a row some are refused unless they took over 18 s.
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20 && limited is null; i++)
        {
            var response = await acme.GetAsync(new Uri("/v1/jobs/none", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {limited.Headers.RetryAfter}");
            var problem = (await limited.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal((TenantRateLimiting.Code, "acme"), (problem["code"]!.GetValue<string>(), problem["tenant"]!.GetValue<string>()));
        }

        using var other = await globex.GetAsync(new Uri("/v1/jobs/none", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [PostgresFact]
    public async Task OverTheInFlightQuota_429NamingIt_RepeatsPassAndAFinishedJobFreesItsPlace()
    {
        await using var database = await TenantDatabase.CreateAsync();
        await using var api = await InMemoryApi.StartAsync(settings: Limited("MaxInFlightJobs", "2"), jobStore: database.Jobs, tenantStore: database.Tenants);
        using var acme = api.CreateHttp(AcmeKey);
        using var globex = api.CreateHttp(GlobexKey);

        Assert.Equal(HttpStatusCode.Accepted, (await acme.PostAsJsonAsync("/v1/jobs", new { jobId = "q1", kind = "generation", steps = 4 })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await acme.PostAsJsonAsync("/v1/jobs", new { jobId = "q2", kind = "generation", steps = 4 })).StatusCode);

        using var third = await acme.PostAsJsonAsync("/v1/jobs", new { jobId = "q3", kind = "generation", steps = 4 });
        using var batch = await acme.PostAsJsonAsync("/v1/batches", new { batchId = "qb", jobs = new[] { new { kind = "generation", steps = 4 } } });
        using var repeat = await acme.PostAsJsonAsync("/v1/jobs", new { jobId = "q1", kind = "generation", steps = 4 });
        using var otherTenant = await globex.PostAsJsonAsync("/v1/jobs", new { jobId = "q3", kind = "generation", steps = 4 });

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        var problem = (await third.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((InFlightQuota.Code, "maxInFlightJobs", 2, 2),
            (problem["code"]!.GetValue<string>(), problem["quota"]!.GetValue<string>(), problem["limit"]!.GetValue<int>(), problem["inFlight"]!.GetValue<int>()));
        Assert.Null(await database.Jobs.GetAsync("acme..q3"));
        Assert.Equal(HttpStatusCode.TooManyRequests, batch.StatusCode);
        Assert.Null(await database.Jobs.GetBatchAsync("acme..qb"));
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, otherTenant.StatusCode);

        // A job that ends (here: a worker fails it) no longer counts.
        await database.Jobs.MarkFailedAsync("acme..q1", new JobFailure("test_failure", "ended by the test", Retryable: false));
        using var afterCancel = await acme.PostAsJsonAsync("/v1/jobs", new { jobId = "q3", kind = "generation", steps = 4 });
        Assert.Equal(HttpStatusCode.Accepted, afterCancel.StatusCode);
    }
}
