namespace Pipeline.Scheduler.Schedules;

/// <summary>How a create or replace of a schedule ended; the endpoints map each to a status code.</summary>
public enum ScheduleWriteOutcome
{
    /// <summary>Stored as a new schedule (201).</summary>
    Created,

    /// <summary>Replaced the stored schedule of that id (200).</summary>
    Replaced,

    /// <summary>A create found the id taken; nothing stored (409).</summary>
    AlreadyExists,

    /// <summary>Fields are invalid; nothing stored (400, the problems name them).</summary>
    Invalid,

    /// <summary>Valid, but its source cannot make a run; nothing stored (422, the problems say why).</summary>
    UnusableSource,
}
