namespace Pipeline.Cli;

/// <summary>The process exit codes, stable for scripts.</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done.</summary>
    public const int Ok = 0;

    /// <summary>One or more jobs failed (a fault of the system or the model pack), or a pack failed verification.</summary>
    public const int JobFailures = 1;

    /// <summary>Bad usage or bad input: unknown option or model, out-of-range parameter, unreadable image. Fix the command.</summary>
    public const int BadInput = 2;
}
