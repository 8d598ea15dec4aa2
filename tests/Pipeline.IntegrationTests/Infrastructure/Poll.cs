namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>Waits for a condition with a deadline; the failure message says what was still missing.</summary>
public static class Poll
{
    /// <summary>Calls <paramref name="probe"/> until it returns non-null, or fails after <paramref name="timeout"/> with <paramref name="describe"/>'s text.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> describe)
        where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        var interval = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"not reached within {timeout.TotalSeconds:0} s: {describe()}");
            }

            await Task.Delay(interval);
            interval = TimeSpan.FromMilliseconds(Math.Min(interval.TotalMilliseconds * 2, 500));
        }
    }

    /// <summary>As above for a boolean condition.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe) =>
        UntilAsync(async () => await condition() ? new object() : null, timeout, describe);
}
