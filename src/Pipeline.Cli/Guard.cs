using Pipeline.Engine;
using Pipeline.Inference;

namespace Pipeline.Cli;

/// <summary>Runs a command's body and turns the failures a user can meet into an exit code and one clear line on stderr.</summary>
internal static class Guard
{
    public static async Task<int> RunAsync(CliConsole console, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            console.WriteError(e.Message);
            return ExitCodes.BadInput;
        }
        catch (InvalidJobException e)
        {
            console.WriteError($"{e.Message} [{e.Code}]");
            return ExitCodes.BadInput;
        }
        catch (ModelPackException e)
        {
            console.WriteError(e.Message);
            return ExitCodes.JobFailures;
        }
        catch (OperationCanceledException)
        {
            console.WriteError("canceled");
            return ExitCodes.JobFailures;
        }
    }
}
