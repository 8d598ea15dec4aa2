using Pipeline.TestSupport;
using Pipeline.Contracts;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Pipeline.Api.Tenancy;
using Pipeline.ServiceDefaults.Tenancy;
using Pipeline.Storage.Jobs;

namespace Pipeline.Api.Tests;

/// <summary>
/// Tenants over the real job store (PostgreSQL): each key sees only its tenant's jobs, batches and inputs (another
/// tenant's ids are 404), ids are per tenant, scopes are enforced with 403 naming the scope, and the plain
/// <c>ApiKeys</c>/<c>AdminKeys</c> keep working as the default tenant's.
/// </summary>
public sealed class TenantTests
{
    private const string AcmeKey = "pk_acme-all";
    private const string GlobexKey = "pk_globex-all";
    private const string ReadOnlyKey = "pk_acme-read";
    private const string SubmitOnlyKey = "pk_acme-submit";

    /// <summary>Two tenants: acme (a client key, a read-only key, a submit-only key) and globex (a client key).</summary>
    internal static Dictionary<string, string?> TwoTenants() => new()
    {
        ["Pipeline:Tenancy:Tenants:acme:Keys:0:Name"] = "all",
        ["Pipeline:Tenancy:Tenants:acme:Keys:0:Sha256"] = ApiKeyHashes.Sha256Hex(AcmeKey),
        ["Pipeline:Tenancy:Tenants:acme:Keys:1:Sha256"] = ApiKeyHashes.Sha256Hex(ReadOnlyKey),
        ["Pipeline:Tenancy:Tenants:acme:Keys:1:Scopes:0"] = TenantScopes.Read,
        ["Pipeline:Tenancy:Tenants:acme:Keys:2:Sha256"] = ApiKeyHashes.Sha256Hex(SubmitOnlyKey),
        ["Pipeline:Tenancy:Tenants:acme:Keys:2:Scopes:0"] = TenantScopes.Submit,
        ["Pipeline:Tenancy:Tenants:globex:Keys:0:Sha256"] = ApiKeyHashes.Sha256Hex(GlobexKey),
    };

    [PostgresFact]
    public async Task OtherTenantsJobBatchInputAndResult_404AndCannotCancel()
    {
        await using var database = await TenantDatabase.CreateAsync();
        await using var api = await InMemoryApi.StartAsync(settings: TwoTenants(), jobStore: database.Jobs, tenantStore: database.Tenants);
        using var acme = api.CreateHttp(AcmeKey);
        using var globex = api.CreateHttp(GlobexKey);
        var input = await acme.PostAsync(new Uri("/v1/inputs", UriKind.Relative), new ByteArrayContent(ValidImages.Png()));
        var inputKey = (await input.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.Accepted, (await acme.PostAsJsonAsync("/v1/jobs", new { jobId = "a", kind = "generation", steps = 4 })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await acme.PostAsJsonAsync("/v1/batches",
            new { batchId = "b", jobs = new[] { new { kind = "generation", steps = 4 } } })).StatusCode);

        foreach (var path in new[] { "/v1/jobs/a", "/v1/jobs/a/result", "/v1/jobs/a/metadata", "/v1/batches/b", "/v1/batches/b/jobs",
                     "/v1/jobs/acme..a", "/v1/batches/acme..b", "/v1/jobs/b.0" })
        {
            using var response = await globex.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        }

        using var cancel = await globex.PostAsJsonAsync("/v1/jobs/a/cancel", new { reason = "not yours" });
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal(JobStatus.Queued, (await database.Jobs.GetAsync("acme..a"))!.Status);

        // Using acme's input by its key: refused for globex as if it did not exist, accepted for acme.
        using var borrowed = await globex.PostAsJsonAsync("/v1/jobs", new { jobId = "v", kind = "variation", steps = 4, strength = 0.5, sourceImageKey = inputKey });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, borrowed.StatusCode);
        Assert.Contains("input_not_found", await borrowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var own = await acme.PostAsJsonAsync("/v1/jobs", new { jobId = "v", kind = "variation", steps = 4, strength = 0.5, sourceImageKey = inputKey });
        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);

        // acme sees its own by the ids it chose.
        var mine = (await acme.GetFromJsonAsync<JsonObject>("/v1/jobs/a"))!;
        Assert.Equal(("a", "/v1/jobs/a"), (mine["jobId"]!.GetValue<string>(), mine["statusUrl"]!.GetValue<string>()));
        var batchJobs = (await acme.GetFromJsonAsync<JsonObject>("/v1/batches/b/jobs"))!["jobs"]!.AsArray();
        Assert.Equal(("b.0", "b"), (batchJobs[0]!["jobId"]!.GetValue<string>(), batchJobs[0]!["batchId"]!.GetValue<string>()));
    }

    [PostgresFact]
    public async Task SameClientJobIdInTwoTenants_TwoDistinctJobs()
    {
        await using var database = await TenantDatabase.CreateAsync();
        await using var api = await InMemoryApi.StartAsync(settings: TwoTenants(), jobStore: database.Jobs, tenantStore: database.Tenants);
        using var acme = api.CreateHttp(AcmeKey);
        using var globex = api.CreateHttp(GlobexKey);
        using var plain = api.CreateHttp();

        // Different requests under one id: per tenant, none is a repeat of another (no 409).
        using var first = await acme.PostAsJsonAsync("/v1/jobs", new { jobId = "a", kind = "generation", steps = 4, seed = 1 });
        using var second = await globex.PostAsJsonAsync("/v1/jobs", new { jobId = "a", kind = "generation", steps = 5, seed = 2 });
        using var third = await plain.PostAsJsonAsync("/v1/jobs", new { jobId = "a", kind = "generation", steps = 6, seed = 3 });

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted], [first.StatusCode, second.StatusCode, third.StatusCode]);
        Assert.Equal(1L, (await database.Jobs.GetAsync("acme..a"))!.ReadRequest().Seed);
        Assert.Equal(2L, (await database.Jobs.GetAsync("globex..a"))!.ReadRequest().Seed);
        Assert.Equal(3L, (await database.Jobs.GetAsync("a"))!.ReadRequest().Seed);
        Assert.Equal("acme", await database.TenantColumnAsync("jobs", "acme..a"));
        Assert.Equal("globex", await database.TenantColumnAsync("jobs", "globex..a"));
        Assert.Equal("default", await database.TenantColumnAsync("jobs", "a"));
        Assert.Equal("a", (await globex.GetFromJsonAsync<JsonObject>("/v1/jobs/a"))!["jobId"]!.GetValue<string>());

        // A client id may not spell another tenant's stored id.
        using var spoof = await plain.PostAsJsonAsync("/v1/jobs", new { jobId = "acme..x", kind = "generation", steps = 4 });
        Assert.Equal(HttpStatusCode.BadRequest, spoof.StatusCode);
        Assert.Contains("invalid_job_id", await spoof.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReadOnlyKey, "POST", "/v1/jobs", TenantScopes.Submit)]
    [InlineData(ReadOnlyKey, "POST", "/v1/batches", TenantScopes.Submit)]
    [InlineData(ReadOnlyKey, "POST", "/v1/inputs", TenantScopes.Submit)]
    [InlineData(SubmitOnlyKey, "GET", "/v1/jobs/a", TenantScopes.Read)]
    [InlineData(SubmitOnlyKey, "GET", "/v1/batches/b", TenantScopes.Read)]
    [InlineData(ReadOnlyKey, "POST", "/v1/jobs/a/cancel", TenantScopes.Cancel)]
    [InlineData(AcmeKey, "GET", "/v1/workers", TenantScopes.Admin)]
    [InlineData(InMemoryApi.ApiKey, "GET", "/v1/workers", TenantScopes.Admin)]
    public async Task KeyWithoutTheEndpointsScope_403NamingTheScope(string key, string method, string path, string scope)
    {
        await using var api = await InMemoryApi.StartAsync(settings: TwoTenants());
        using var http = api.CreateHttp(key);

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method != "POST" ? null
                : path == "/v1/inputs" ? new ByteArrayContent([1, 2, 3]) { Headers = { ContentType = new("application/octet-stream") } }
                : JsonContent.Create(new { kind = "generation" }),
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((ScopeForbiddenResultHandler.MissingScopeCode, scope), (problem["code"]!.GetValue<string>(), problem["scope"]!.GetValue<string>()));
        Assert.Empty(api.Jobs.All);
    }

    [Fact]
    public async Task DefaultTenant_PlainAndAdminKeysWorkAsBefore_AdminSeesEveryTenant()
    {
        await using var api = await InMemoryApi.StartAsync(settings: TwoTenants());
        using var plain = api.CreateHttp();
        using var admin = api.CreateHttp(InMemoryApi.AdminKey);
        using var acme = api.CreateHttp(AcmeKey);

        using var submitted = await plain.PostAsJsonAsync("/v1/jobs", new { jobId = "legacy-1", kind = "generation", steps = 4 });
        await acme.PostAsJsonAsync("/v1/jobs", new { jobId = "a", kind = "generation", steps = 4 });

        // The default tenant's ids are stored (and sent to workers) as they are: nothing changes for existing clients.
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.NotNull(await api.Jobs.GetAsync("legacy-1"));
        Assert.Equal("legacy-1", (await plain.GetFromJsonAsync<JsonObject>("/v1/jobs/legacy-1"))!["jobId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync(new Uri("/v1/jobs/acme..a", UriKind.Relative))).StatusCode);

        // The operator reads (and could cancel) any tenant's job by its stored id, and the fleet view.
        var other = (await admin.GetFromJsonAsync<JsonObject>("/v1/jobs/acme..a"))!;
        Assert.Equal(("acme..a", "/v1/jobs/acme..a"), (other["jobId"]!.GetValue<string>(), other["statusUrl"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/v1/workers", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri("/v1/jobs/legacy-1", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Inputs_201OncePerTenant_SoAnotherTenantsUploadStaysUnknown()
    {
        await using var api = await InMemoryApi.StartAsync(settings: TwoTenants());
        using var acme = api.CreateHttp(AcmeKey);
        using var globex = api.CreateHttp(GlobexKey);
        var bytes = ValidImages.Png(variant: 9);

        var statuses = new List<HttpStatusCode>();
        foreach (var http in new[] { acme, acme, globex })
        {
            using var response = await http.PostAsync(new Uri("/v1/inputs", UriKind.Relative), new ByteArrayContent(bytes));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Created], statuses);
    }
}
