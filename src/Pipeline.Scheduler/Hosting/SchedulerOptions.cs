using System.ComponentModel.DataAnnotations;
using Pipeline.Scheduler.Schedules;

namespace Pipeline.Scheduler.Hosting;

/// <summary>The scheduler host. Bound from <see cref="SectionName"/> (env: <c>Pipeline__Scheduler__SourceRoot</c>, …).</summary>
public sealed class SchedulerOptions
{
    /// <summary>The configuration section: <c>Pipeline:Scheduler</c>.</summary>
    public const string SectionName = "Pipeline:Scheduler";

    /// <summary>
    /// The folder schedule sources are relative to; no schedule reads outside it. Default: <c>sources</c> under the file
    /// store's root (<c>Pipeline:Storage:Files:RootPath</c>).
    /// </summary>
    [Required]
    public string SourceRoot { get; set; } = "";

    /// <summary>
    /// Datasets are written to <c>&lt;OutputRoot&gt;/&lt;schedule id&gt;/&lt;period&gt;/</c>. Default: <c>datasets</c>
    /// under the file store's root.
    /// </summary>
    [Required]
    public string OutputRoot { get; set; } = "";

    /// <summary>
    /// API keys accepted in <c>X-Api-Key</c> by <c>/v1/schedules</c> and (as the Basic-auth password) by the
    /// dashboard, which they see read-only. At least one is required: the host serves nothing unauthenticated.
    /// </summary>
    [MinLength(1)]
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>
    /// Keys accepted like <see cref="ApiKeys"/> that may also change things in the dashboard (delete, requeue, trigger
    /// jobs). Default none: the dashboard is read-only for every key. Schedules are managed through
    /// <c>/v1/schedules</c> either way; a schedule's recurring job deleted in the dashboard is put back within
    /// <see cref="TriggerSyncInterval"/>.
    /// </summary>
    public List<string> AdminKeys { get; set; } = [];

    /// <summary>The Basic-auth user name the dashboard accepts with an API key as password. Default <c>admin</c>.</summary>
    public string DashboardUser { get; set; } = "admin";

    /// <summary>Where the Hangfire dashboard is served. Default <c>/hangfire</c>.</summary>
    public string DashboardPath { get; set; } = "/hangfire";

    /// <summary>Hangfire's tables live in this PostgreSQL schema (same database as the job store). Default <c>hangfire</c>.</summary>
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string HangfireSchema { get; set; } = "hangfire";

    /// <summary>Cron of the reconciler, which finishes runs whose completion event was missed. Default every minute.</summary>
    public string ReconcileCron { get; set; } = "* * * * *";

    /// <summary>
    /// How often Hangfire's recurring jobs are checked against the stored schedules: one removed or changed outside
    /// <c>/v1/schedules</c> (in the dashboard) is put back, one of a deleted schedule removed. Default 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TriggerSyncInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Schedules created or replaced at start-up (configuration wins over edits made through the API for these ids).</summary>
    public List<AugmentationSchedule> Schedules { get; set; } = [];
}
