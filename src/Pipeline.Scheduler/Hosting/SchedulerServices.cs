using Hangfire;
using Hangfire.PostgreSql;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Messaging;
using Pipeline.Scheduler.Datasets;
using Pipeline.Scheduler.Http;
using Pipeline.Scheduler.Runs;
using Pipeline.Scheduler.Schedules;
using Pipeline.ServiceDefaults.Authentication;
using Pipeline.Storage;
using Pipeline.Storage.Jobs;

namespace Pipeline.Scheduler.Hosting;

/// <summary>Everything the scheduler host registers and maps (eShop's AddApplicationServices).</summary>
public static class SchedulerServices
{
    /// <summary>
    /// The scheduler's own services — schedule store, runner, dataset writer, reconciler, schedule service — over the
    /// Pipeline stores (<see cref="StorageServiceCollectionExtensions.AddPipelineStorage"/>, which this calls: its
    /// migrator also applies the scheduler's <c>deploy/sql/1NN_*.sql</c>). Needs an <see cref="IBatchSender"/> and an
    /// <see cref="IScheduleTriggers"/>: <see cref="AddSchedulerServices"/> adds the bus and Hangfire ones; tests add their own.
    /// </summary>
    public static IServiceCollection AddSchedulerCore(this IServiceCollection services)
    {
        services.AddPipelineStorage();
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.SectionName)
            .PostConfigure<IOptions<FileStorageOptions>>((scheduler, files) =>
            {
                // One data root: unset, the sources and the datasets live under the file store's root.
                scheduler.SourceRoot = Default(scheduler.SourceRoot, files.Value.RootPath, "sources");
                scheduler.OutputRoot = Default(scheduler.OutputRoot, files.Value.RootPath, "datasets");
            })
            .ValidateDataAnnotations().ValidateOnStart();
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
    public static IHostApplicationBuilder AddSchedulerServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSchedulerCore();
        services.ConfigureHttpJsonOptions(o => ContractJson.Apply(o.SerializerOptions));

        services.AddHangfire((sp, configuration) =>
        {
            var connectionString = sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.ConnectionString;
            var hangfireSchema = sp.GetRequiredService<IOptions<SchedulerOptions>>().Value.HangfireSchema;
            configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UsePostgreSqlStorage(
                    options => options.UseNpgsqlConnection(connectionString),
                    new PostgreSqlStorageOptions { SchemaName = hangfireSchema, UseSlidingInvisibilityTimeout = true, PrepareSchemaIfNecessary = true });
        });
        services.AddHangfireServer(options => options.WorkerCount = Math.Max(2, Environment.ProcessorCount));
        services.TryAddSingleton<IScheduleTriggers, HangfireScheduleTriggers>();
        services.AddTransient<AugmentationJobs>();
        services.AddHostedService<ScheduleStartupService>();

        services.AddPipelineBus(bus => bus.AddConsumer<BatchCompletedConsumer, BatchCompletedConsumerDefinition>());
        services.TryAddSingleton<IBatchSender, MassTransitBatchSender>();

        services.AddApiKeyAuthentication<SchedulerOptions>((auth, scheduler) =>
        {
            auth.ApiKeys = () => scheduler.CurrentValue.ApiKeys;
            auth.BasicUserName = scheduler.CurrentValue.DashboardUser;
            auth.Realm = "Pipeline Scheduler";
        });
        return builder;
    }

    /// <summary>Maps <c>/v1/schedules</c> and the dashboard, both behind authentication.</summary>
    public static WebApplication MapSchedulerEndpoints(this WebApplication app)
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
        return app;
    }

    private static string Default(string configured, string storeRoot, string folder) =>
        string.IsNullOrEmpty(configured) && !string.IsNullOrEmpty(storeRoot) ? Path.Join(storeRoot, folder) : configured;
}
