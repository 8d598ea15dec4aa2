using Pipeline.Engine;

namespace Pipeline.Cli.Running;

/// <summary>What became of each job of a run, in submission order.</summary>
internal sealed class JobRunOutcome(IReadOnlyList<EngineJob> jobs, IReadOnlyList<EngineResult?> results, IReadOnlyList<Exception?> errors, TimeSpan wall)
{
    public IReadOnlyList<EngineJob> Jobs { get; } = jobs;

    /// <summary>The result of job i, or null when it failed.</summary>
    public IReadOnlyList<EngineResult?> Results { get; } = results;

    /// <summary>Why job i failed, or null when it succeeded.</summary>
    public IReadOnlyList<Exception?> Errors { get; } = errors;

    /// <summary>From the first submission to the last completion.</summary>
    public TimeSpan Wall { get; } = wall;

    public IEnumerable<EngineResult> Succeeded => Results.OfType<EngineResult>();

    public int FailedCount => Errors.Count(e => e is not null);

    /// <summary>0 when every job succeeded; 2 when any failed for bad input (the user must change the command); else 1.</summary>
    public int ExitCode => Errors.Any(e => e is InvalidJobException) ? ExitCodes.BadInput
        : FailedCount > 0 ? ExitCodes.JobFailures
        : ExitCodes.Ok;
}
