namespace Pipeline.Cli;

/// <summary>The process exit codes, stable for scripts.</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done.</summary>
    public const int Ok = 0;

    /// <summary>
    /// One or more jobs failed (a fault of the system or the model pack), or a pack failed verification; for submit
    /// --watch, watch and fetch: a job of the batch failed or was canceled (or, for fetch, has not finished yet).
    /// </summary>
    public const int JobFailures = 1;

    /// <summary>Bad usage or bad input: unknown option or model, out-of-range parameter, unreadable image. Fix the command.</summary>
    public const int BadInput = 2;

    /// <summary>
    /// The API could not be reached, or kept answering 5xx/429 after the retries: nothing is wrong with the command; run it
    /// again later (submit with the same --batch-id duplicates nothing).
    /// </summary>
    public const int ApiUnavailable = 3;
}
