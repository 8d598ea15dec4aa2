namespace Pipeline.Scheduler.Contracts;

/// <summary>
/// The answer to "run now" (<c>POST /v1/schedules/{id}/run</c>): 202 when this call queued the period's run, 200 when
/// the period already had one (parallel calls for one period: the first is 202, the rest 200, all naming one batch).
/// </summary>
/// <param name="ScheduleId">The schedule.</param>
/// <param name="PeriodStart">The period the run belongs to (UTC): the latest cron occurrence at or before the call.</param>
/// <param name="BatchId">The batch the run submits (deterministic, so it can be watched at once).</param>
/// <param name="QueuedJobId">The Hangfire job that will run it, or null when the period already had a run.</param>
/// <param name="ExistingStatus">The existing run's status (<c>requested</c>, <c>claimed</c>, <c>submitted</c>, <c>completed</c>), or null.</param>
public sealed record RunNowResult(string ScheduleId, DateTimeOffset PeriodStart, string BatchId, string? QueuedJobId, string? ExistingStatus);
