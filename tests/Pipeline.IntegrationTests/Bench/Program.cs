namespace Pipeline.IntegrationTests.Bench;

/// <summary>
/// Entry point of <c>dotnet run --project tests/Pipeline.IntegrationTests -- bench</c> (the queue benchmark) and
/// <c>-- bench-telemetry</c> (telemetry overhead); the test host never calls it.
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
            default:
                await Console.Error.WriteLineAsync("usage: dotnet run --project tests/Pipeline.IntegrationTests -c Release -- bench [--jobs N] [--steps S] [--backlog B]");
                await Console.Error.WriteLineAsync("       dotnet run --project tests/Pipeline.IntegrationTests -c Release -- bench-telemetry [--jobs N] [--steps S] [--rounds R] [--pack P --models DIR]");
                return 2;
        }
    }
}
