namespace Pipeline.IntegrationTests.Bench;

/// <summary>The queue benchmark (written next).</summary>
public static class QueueBench
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(args.Length >= 0 ? 0 : 1);
}
