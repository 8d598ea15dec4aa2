namespace Pipeline.Worker.Jobs;

/// <summary>What a job message's consumer may do with the job (<see cref="JobLeases.ClaimAsync"/>).</summary>
public enum JobClaimKind
{
    /// <summary>This worker holds the lease of a running job: run it.</summary>
    Run,

    /// <summary>This worker holds the lease of a succeeded job whose completion was never announced: announce it.</summary>
    Announce,

    /// <summary>The job has ended and been announced (or is gone): acknowledge the message without work.</summary>
    Ended,

    /// <summary>A live lease of another worker (or another copy on this worker) holds the job: acknowledge this copy without work.</summary>
    HeldElsewhere,
}
