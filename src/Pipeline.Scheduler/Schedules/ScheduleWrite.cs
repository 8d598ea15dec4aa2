namespace Pipeline.Scheduler.Schedules;

/// <summary>The outcome of a create or replace, and the problems when nothing was stored.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Problems">For <see cref="ScheduleWriteOutcome.Invalid"/> and <see cref="ScheduleWriteOutcome.UnusableSource"/>: each problem; else empty.</param>
public sealed record ScheduleWrite(ScheduleWriteOutcome Outcome, IReadOnlyList<string> Problems)
{
    /// <summary>A write that stored the schedule, or found its id taken.</summary>
    public static ScheduleWrite Of(ScheduleWriteOutcome outcome) => new(outcome, []);
}
