namespace Pipeline.IntegrationTests.Bench;

/// <summary>
/// Entry point of <c>dotnet run --project tests/Pipeline.IntegrationTests -- bench</c> (the queue benchmark) and
/// <c>-- bench-telemetry</c> (telemetry overhead) and <c>-- drill &lt;fault&gt;</c> (the fault drills, on private services);
/// the test host never calls it.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "bench":
                return await QueueBench.RunAsync(args[1..]);
            case "bench-telemetry":
                return await TelemetryBench.RunAsync(args[1..]);
            case "drill":
                return await Drills.FaultDrill.RunAsync(args[1..]);
            default:
                await Console.Error.WriteLineAsync("usage: dotnet run --project tests/Pipeline.IntegrationTests -c Release -- bench [--jobs N] [--steps S] [--backlog B]");
                await Console.Error.WriteLineAsync("       dotnet run --project tests/Pipeline.IntegrationTests -c Release -- bench-telemetry [--jobs N] [--steps S] [--rounds R] [--pack P --models DIR]");
                await Console.Error.WriteLineAsync("       dotnet run --project tests/Pipeline.IntegrationTests -c Release -- drill sigkill|rabbitmq-restart|postgres-stop [--jobs N] [--steps S]");
                return 2;
        }
    }
}
