namespace Pipeline.Cli;

/// <summary>The command cannot run as given (a missing file, an unknown model pack): exit 2 with the message.</summary>
internal sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner);
