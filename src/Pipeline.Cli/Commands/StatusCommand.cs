using System.CommandLine;
using System.Net;
using System.Text.Json;
using Pipeline.Cli.Remote;
using Pipeline.Client;
using Pipeline.Contracts;

namespace Pipeline.Cli.Commands;

/// <summary>`pipeline status`: the fleet of a running API (workers, queue, throughput). Needs an admin key.</summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Indented = new(ContractJson.Options) { WriteIndented = true };

    public static Command Create(CliConsole console)
    {
        var remote = new RemoteOptions();
        var json = new Option<bool>("--json") { Description = "Print the API's answer (GET /v1/workers) as JSON, for scripts, instead of the tables" };
        var command = new Command("status", $"""
            Show the fleet behind a running Pipeline API: every live worker (id, host, execution provider and CUDA device,
            denoiser precision, model packs, busy of total slots, jobs done, version, up since, last heartbeat), the queued
            jobs by priority, the job waiting longest, and the jobs that ended in the last minute with images per second.
            A worker that stopped sending heartbeats drops out after the API's worker timeout (30 s by default).
            Needs an admin key (one of the API's Pipeline:Api:AdminKeys) in ${RemoteOptions.KeyVariable} or --api-key.

            Examples:
              pipeline status
              pipeline status --json | jq '.queue.total'

            Exit codes: 0 shown; 2 bad usage, no API key, or a key that is not an admin key; 3 the API unreachable or failing.
            """);
        command.Options.Add(json);
        remote.AddTo(command);
        command.SetAction((r, ct) => Guard.RunAsync(console, async () =>
        {
            var settings = remote.Read(r, console);
            return await RemoteGuard.RunAsync(console, settings, async () =>
            {
                using var connection = ApiConnection.Open(settings, console);
                try
                {
                    var status = await connection.Client.GetFleetStatusAsync(ct).ConfigureAwait(false);
                    if (r.GetValue(json))
                    {
                        console.Out.WriteLine(JsonSerializer.Serialize(status, Indented));
                    }
                    else
                    {
                        FleetDisplay.Write(console.Out, status);
                    }

                    return ExitCodes.Ok;
                }
                catch (PipelineApiException e) when (e.StatusCode == HttpStatusCode.Forbidden)
                {
                    console.WriteError($"the fleet status needs an admin key: the API at {settings.BaseAddress} accepted this key but it is not one "
                        + $"of its admin keys (403). Set ${RemoteOptions.KeyVariable} or --api-key to a key from Pipeline:Api:AdminKeys.");
                    return ExitCodes.BadInput;
                }
            }).ConfigureAwait(false);
        }));
        return command;
    }
}
