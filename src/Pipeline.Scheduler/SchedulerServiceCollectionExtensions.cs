using Hangfire;
using Hangfire.PostgreSql;
using MassTransit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Scheduler.Datasets;
using Pipeline.Scheduler.Hosting;
using Pipeline.Scheduler.Http;
using Pipeline.Scheduler.Runs;
using Pipeline.Scheduler.Schedules;
using Pipeline.ServiceDefaults;
using Pipeline.ServiceDefaults.Health;
using Pipeline.ServiceDefaults.Messaging;
using Pipeline.Storage;
using Pipeline.Storage.Jobs;

namespace Pipeline.Scheduler;

/// <summary>Wiring of the scheduler host.</summary>
public static class SchedulerServiceCollectionExtensions
{
    /// <summary>
    /// The scheduler's own services — schedule store, runner, dataset writer, reconciler, schedule service — over the
    /// Pipeline stores (<c>AddPipelineStorage</c>, which this calls: its migrator also applies the scheduler's
    /// <c>deploy/sql/1NN_*.sql</c>). Needs an <see cref="IBatchSender"/> and an <see cref="IScheduleTriggers"/>:
    /// <see cref="AddPipelineScheduler"/> adds the bus and Hangfire ones; tests add their own.
    /// </summary>
    public static IServiceCollection AddSchedulerCore(this IServiceCollection services)
    {
        services.AddPipelineStorage();
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IScheduleStore>(sp => new PostgresScheduleStore(
            sp.GetRequiredService<JobStoreDataSource>().DataSource,
            sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.Schema,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<AugmentationRunner>();
        services.TryAddSingleton<DatasetWriter>();
        services.TryAddSingleton<RunReconciler>();
        services.TryAddSingleton<ScheduleService>();
        return services;
    }

    /// <summary>
    /// The whole host: <see cref="AddSchedulerCore"/>, Hangfire on PostgreSQL (sliding invisibility timeout, its own
    /// schema in the job store's database), MassTransit on RabbitMQ (sends <c>SubmitBatch</c>, consumes
    /// <c>BatchCompleted</c>), the API-key/Basic authentication, and the start-up schedule sync.
    /// </summary>
    public static WebApplicationBuilder AddPipelineScheduler(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSchedulerCore();
        services.AddHealthChecks().AddJobStorePostgres(); // MassTransit adds its bus check
        services.ConfigureHttpJsonOptions(o => ContractJson.Apply(o.SerializerOptions));

        var connectionString = builder.Configuration[$"{JobStoreOptions.SectionName}:ConnectionString"]
            ?? throw new InvalidOperationException($"{JobStoreOptions.SectionName}:ConnectionString is required");
        var hangfireSchema = builder.Configuration[$"{SchedulerOptions.SectionName}:HangfireSchema"] ?? new SchedulerOptions().HangfireSchema;
        services.AddHangfire(configuration => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(
                options => options.UseNpgsqlConnection(connectionString),
                new PostgreSqlStorageOptions { SchemaName = hangfireSchema, UseSlidingInvisibilityTimeout = true, PrepareSchemaIfNecessary = true }));
        services.AddHangfireServer(options => options.WorkerCount = Math.Max(2, Environment.ProcessorCount));
        services.TryAddSingleton<IScheduleTriggers, HangfireScheduleTriggers>();
        services.AddTransient<AugmentationJobs>();
        services.AddHostedService<ScheduleStartupService>();

        services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddMassTransit(bus =>
        {
            bus.AddConsumer<BatchCompletedConsumer, BatchCompletedConsumerDefinition>();
            bus.UsingRabbitMq((context, cfg) =>
            {
                cfg.UsePipelineBroker(context.GetRequiredService<IOptions<RabbitMqOptions>>().Value);
                cfg.ConfigureEndpoints(context);
            });
        });
        services.TryAddSingleton<IBatchSender, MassTransitBatchSender>();

        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        return builder;
    }

    /// <summary>
    /// Maps <c>/v1/schedules</c> and the dashboard, both behind authentication, and the hosts' shared probes:
    /// <c>/healthz</c> (PostgreSQL and the bus, 503 when one fails) and <c>/alive</c>.
    /// </summary>
    public static WebApplication MapPipelineScheduler(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapScheduleEndpoints();
        var options = app.Services.GetRequiredService<IOptions<SchedulerOptions>>().Value;
        app.MapHangfireDashboard(options.DashboardPath, new DashboardOptions
        {
            Authorization = [new DashboardAuthorizationFilter()],
            DisplayStorageConnectionString = false,
        }).RequireAuthorization();
        app.MapDefaultEndpoints();
        return app;
    }
}
