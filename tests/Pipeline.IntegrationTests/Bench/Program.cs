namespace Pipeline.IntegrationTests.Bench;

/// <summary>Entry point of <c>dotnet run --project tests/Pipeline.IntegrationTests -- bench</c>; the test host never calls it.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "bench")
        {
            await Console.Error.WriteLineAsync("usage: dotnet run --project tests/Pipeline.IntegrationTests -c Release -- bench [--jobs N] [--steps S] [--backlog B]");
            return 2;
        }

        return await QueueBench.RunAsync(args[1..]);
    }
}
