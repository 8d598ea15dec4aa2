namespace Pipeline.Scheduler.Runs;

/// <summary>
/// A schedule's source cannot make a run: the folder or manifest is missing, a path leaves the source root, an image it
/// lists is missing, no image decodes, or the run would hold more jobs than a batch may. It stays so until someone
/// changes the source or the schedule, so a trigger records the run <c>failed</c> with this message (shown by
/// <c>GET /v1/schedules/{id}/runs</c>) instead of letting Hangfire retry, and creating the schedule answers 422 with it.
/// </summary>
public sealed class UnusableSourceException : Exception
{
    /// <summary>Creates the exception with the reason as its message.</summary>
    public UnusableSourceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no reason (for serializers and the analyzers' standard constructors).</summary>
    public UnusableSourceException()
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public UnusableSourceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
