using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Hosting;
using Pipeline.Api.Submission;
using Pipeline.Api.Validation;
using Pipeline.Api.Tenancy;
using Pipeline.Contracts;
using Pipeline.Messaging;
using Pipeline.ServiceDefaults.Authentication;
using Pipeline.Storage.Fleet;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Results;
using Pipeline.Storage.Tenancy;
using Microsoft.Extensions.Configuration;

namespace Pipeline.Api.Tests;

/// <summary>
/// The Api's real endpoints, authentication, problem details and OpenAPI document on 127.0.0.1 (OS-chosen port), over
/// in-memory stores and an in-memory bus instead of PostgreSQL and RabbitMQ.
/// </summary>
internal sealed class InMemoryApi : IAsyncDisposable
{
    public const string ApiKey = "test-key";

    /// <summary>The admin key (Pipeline:Api:AdminKeys) the operator endpoints take.</summary>
    public const string AdminKey = "test-admin-key";

    private readonly LoopbackServer _server;

    private InMemoryApi(LoopbackServer server, InMemoryJobStore jobs, InMemoryInputStore inputs, InMemoryResultStore results, InMemoryFleetStore fleet)
    {
        (_server, Jobs, Inputs, Results, Fleet) = (server, jobs, inputs, results, fleet);
    }

    public InMemoryJobStore Jobs { get; }

    public InMemoryInputStore Inputs { get; }

    public InMemoryResultStore Results { get; }

    public InMemoryFleetStore Fleet { get; }

    public Uri BaseAddress => _server.BaseAddress;

    /// <summary>The app's services (its endpoint data source, for tests that enumerate what is mapped).</summary>
    public IServiceProvider Services => _server.Services;

    /// <param name="schedulerUrl">Pipeline:Api:SchedulerUrl: where /v1/schedules is forwarded (null: not forwarded).</param>
    /// <param name="settings">Configuration on top (e.g. <c>Pipeline:Tenancy:…</c> for tenants, keys and limits).</param>
    /// <param name="jobStore">The job store instead of the in-memory one (a PostgreSQL one), with <paramref name="tenantStore"/>.</param>
    /// <param name="tenantStore">The tenant store going with <paramref name="jobStore"/>.</param>
    /// <param name="configure">Last say over the Api's options (a smaller MaxRequestBodyBytes for the 413 tests).</param>
    public static async Task<InMemoryApi> StartAsync(Uri? schedulerUrl = null, IDictionary<string, string?>? settings = null,
        IJobStore? jobStore = null, ITenantStore? tenantStore = null, Action<ApiOptions>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var stores = (Jobs: new InMemoryJobStore(), Inputs: new InMemoryInputStore(), Results: new InMemoryResultStore(), Fleet: new InMemoryFleetStore());
        var services = builder.Services;
        services.AddSingleton(jobStore ?? stores.Jobs);
        services.AddSingleton(tenantStore ?? new InMemoryTenantStore(stores.Jobs));
        services.AddSingleton<IInputStore>(stores.Inputs);
        services.AddSingleton<IResultStore>(stores.Results);
        services.AddSingleton<IFleetStore>(stores.Fleet);
        services.AddOptions<FleetOptions>();
        services.AddSingleton(TimeProvider.System);
        // What ApiServices.AddApiServices registers, less PostgreSQL, RabbitMQ and the queue declaration.
        services.AddOptions<ApiOptions>().Configure(o =>
        {
            (o.ApiKeys, o.AdminKeys, o.SchedulerUrl) = ([ApiKey], [AdminKey], schedulerUrl);
            configure?.Invoke(o);
        });
        services.AddRequestBodyLimits();
        services.AddImageIntake();
        services.ConfigureHttpJsonOptions(o => ContractJson.Apply(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi(o => o.AddApiKeySecurity().AddBodyExamples());
        services.AddApiKeyAuthentication<ApiOptions>((auth, api) =>
            (auth.ApiKeys, auth.AdminKeys) = (() => api.CurrentValue.ApiKeys, () => api.CurrentValue.AdminKeys));
        services.AddScoped<JobSubmitter>();
        services.AddTenancy();
        services.AddSingleton<JobSubmissionMetrics>();
        services.AddScheduleForwarding();
        services.AddMassTransit(x => x.UsingInMemory());
        var server = await LoopbackServer.StartAsync(builder, app => app.MapApiEndpoints());
        return new InMemoryApi(server, stores.Jobs, stores.Inputs, stores.Results, stores.Fleet);
    }

    /// <summary>An HttpClient with the API key (or <paramref name="apiKey"/>; null sends none).</summary>
    public HttpClient CreateHttp(string? apiKey = ApiKey)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return http;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
