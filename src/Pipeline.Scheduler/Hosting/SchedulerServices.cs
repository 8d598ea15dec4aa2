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
        services.TryAddSingleton<ScheduleSourceCheck>();
        services.TryAddSingleton<ScheduleService>();
        return services;
    }

    /// <summary>
    /// The whole host: <see cref="AddSchedulerCore"/>, Hangfire on PostgreSQL (sliding invisibility timeout, its own
    /// schema in the job store's database), MassTransit on RabbitMQ (sends <c>SubmitBatch</c>, consumes
    /// <c>BatchCompleted</c>), the API-key/Basic authentication (admin keys for the dashboard), antiforgery for the
    /// dashboard's forms, the OpenAPI document, the start-up schedule sync and the periodic trigger sync.
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
        services.AddSingleton<ScheduleTriggerSync>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleTriggerSync>());

        services.AddPipelineBus(bus => bus.AddConsumer<BatchCompletedConsumer, BatchCompletedConsumerDefinition>());
        services.TryAddSingleton<IBatchSender, MassTransitBatchSender>();

        services.AddApiKeyAuthentication<SchedulerOptions>((auth, scheduler) =>
        {
            auth.ApiKeys = () => scheduler.CurrentValue.ApiKeys;
            auth.AdminKeys = () => scheduler.CurrentValue.AdminKeys;
            auth.BasicUserName = scheduler.CurrentValue.DashboardUser;
            auth.Realm = "Pipeline Scheduler";
        });

        // Browsers resend Basic credentials by themselves, so without this a page on another site could post to the
        // dashboard (delete a schedule's job) as the signed-in user. With IAntiforgery registered, Hangfire puts a token
        // in its pages and refuses a state-changing request without it (403).
        services.AddAntiforgery();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Pipeline Scheduler";
            document.Info.Description = "Augmentation schedules. The Api forwards these operations and describes them in its own document.";
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>
    /// Maps <c>/v1/schedules</c> and the dashboard, both behind authentication (the dashboard read-only unless the key is
    /// an admin key, its forms guarded by antiforgery tokens), and the anonymous <c>/openapi/v1.json</c>.
    /// </summary>
    public static WebApplication MapSchedulerEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi().AllowAnonymous();
        app.MapScheduleEndpoints();
        var options = app.Services.GetRequiredService<IOptions<SchedulerOptions>>().Value;
        app.MapHangfireDashboard(options.DashboardPath, new DashboardOptions
        {
            Authorization = [new DashboardAuthorizationFilter()],
            IsReadOnlyFunc = DashboardAuthorizationFilter.IsReadOnly,
            IgnoreAntiforgeryToken = false,
            DisplayStorageConnectionString = false,
        }).RequireAuthorization();
        return app;
    }

    private static string Default(string configured, string storeRoot, string folder) =>
        string.IsNullOrEmpty(configured) && !string.IsNullOrEmpty(storeRoot) ? Path.Join(storeRoot, folder) : configured;
}
