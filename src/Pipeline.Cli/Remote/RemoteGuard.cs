using System.Net;
using Pipeline.Client;

namespace Pipeline.Cli.Remote;

/// <summary>Turns what talking to the API can go wrong into one clear message and an exit code (inside <see cref="Guard"/>).</summary>
internal static class RemoteGuard
{
    public static async Task<int> RunAsync(CliConsole console, RemoteSettings settings, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (ManifestException e)
        {
            console.WriteError(e.Message);
            return ExitCodes.BadInput;
        }
        catch (PipelineApiUnreachableException e)
        {
            console.WriteError($"{e.Message}");
            console.Error.WriteLine($"Is the API running there? Point at it with --api URL or ${RemoteOptions.UrlVariable}.");
            return ExitCodes.ApiUnavailable;
        }
        catch (PipelineApiException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            console.WriteError(settings.ApiKey is null
                ? $"the API at {settings.BaseAddress} needs an API key ({(int)e.StatusCode} {e.StatusCode}): pass --api-key KEY or set ${RemoteOptions.KeyVariable}"
                : $"the API at {settings.BaseAddress} refused the API key ({(int)e.StatusCode} {e.StatusCode}): check --api-key or ${RemoteOptions.KeyVariable}");
            return ExitCodes.BadInput;
        }
        catch (PipelineApiException e) when ((int)e.StatusCode >= 500 || e.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
        {
            console.WriteError(e.Message);
            console.Error.WriteLine("The API is failing or overloaded; try again later.");
            return ExitCodes.ApiUnavailable;
        }
        catch (PipelineApiException e)
        {
            console.WriteError(e.Message);
            return ExitCodes.BadInput;
        }
    }
}
