using Spectre.Console;

namespace Pipeline.Cli;

/// <summary>
/// Where a command writes: results and tables to <see cref="Out"/>, errors to <see cref="Error"/>. Live progress bars
/// only when stdout is a terminal; otherwise (pipes, files, tests) plain lines.
/// </summary>
internal sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, bool isTerminal)
    {
        Out = output;
        Error = error;
        IsTerminal = isTerminal;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = isTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!isTerminal)
        {
            // Redirected output has no width; Spectre would assume 80 columns and fold the bench tables.
            Ansi.Profile.Width = 200;
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    /// <summary>True when stdout is an interactive terminal.</summary>
    public bool IsTerminal { get; }

    /// <summary>Reads an environment variable (tests pass their own, so parallel runs do not share the process's).</summary>
    public Func<string, string?> Variables { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Spectre's console over <see cref="Out"/>, for tables and progress.</summary>
    public IAnsiConsole Ansi { get; }

    public static CliConsole FromProcess() => new(Console.Out, Console.Error, !Console.IsOutputRedirected);

    /// <summary>A one-line error on stderr, prefixed so it stands out among log lines.</summary>
    public void WriteError(string message) => Error.WriteLine($"error: {message}");
}
