using Microsoft.Extensions.Options;
using Pipeline.Api.Endpoints;
using Pipeline.Api.Submission;
using Pipeline.Api.Validation;
using Pipeline.Api.Tenancy;
using Pipeline.Contracts;
using Pipeline.Messaging;
using Pipeline.ServiceDefaults.Authentication;
using Pipeline.Storage;

namespace Pipeline.Api.Hosting;

/// <summary>Everything the API host registers and maps (eShop's AddApplicationServices).</summary>
public static class ApiServices
{
    /// <summary>Options, stores, the bus (send only), API-key authentication, problem details, OpenAPI and size limits.</summary>
    public static IHostApplicationBuilder AddApiServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddPipelineStorage();

        services.ConfigureHttpJsonOptions(o => ContractJson.Apply(o.SerializerOptions));
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi(o => o.AddApiKeySecurity().AddBodyExamples());
        services.AddApiKeyAuthentication<ApiOptions>((auth, api) =>
            (auth.ApiKeys, auth.AdminKeys) = (() => api.CurrentValue.ApiKeys, () => api.CurrentValue.AdminKeys));

        services.AddRequestBodyLimits();
        services.AddImageIntake();

        services.AddSingleton<QueueDeclaration>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueDeclaration>());
        services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration("work-queues",
            sp => sp.GetRequiredService<QueueDeclaration>(), failureStatus: null, tags: ["ready"]));
        // Scoped, per request: it sends through MassTransit's ISendEndpointProvider, which is scoped (MassTransit's
        // guidance for producers outside a consumer); a singleton holding it fails scope validation at start.
        services.AddScoped<JobSubmitter>();
        services.AddTenancy();
        services.AddSingleton<JobSubmissionMetrics>();
        services.AddScheduleForwarding();
        services.AddPipelineBus();
        return builder;
    }

    /// <summary>Middleware and the <c>/v1</c> endpoints (API key required) and <c>/openapi/v1.json</c>.</summary>
    public static WebApplication MapApiEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        // After authentication (the bucket is the key's tenant's), before authorization and the endpoints.
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapOpenApi().AllowAnonymous();
        var v1 = app.MapGroup("/v1").RequireAuthorization().WithTags("v1");
        v1.MapInputEndpoints();
        v1.MapJobEndpoints();
        v1.MapBatchEndpoints();
        v1.MapWorkerEndpoints();
        v1.MapScheduleForwarding(app.Services.GetRequiredService<IOptions<ApiOptions>>().Value.SchedulerUrl);
        return app;
    }
}
