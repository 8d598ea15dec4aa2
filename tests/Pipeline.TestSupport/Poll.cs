using System.Globalization;

namespace Pipeline.TestSupport;

/// <summary>
/// Waits for a condition by polling it against a deadline, never a fixed sleep: a test waits only as long as the
/// system under test needs, and a condition that never holds fails the test with a message that says what was
/// missing. The interval starts short (in-process conditions hold within milliseconds) and backs off, so that a
/// probe that calls a server does not flood it during a long wait.
/// </summary>
public static class Poll
{
    /// <summary>The deadline when the caller names none: generous, as only a broken test ever waits it out.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Calls <paramref name="probe"/> until it returns non-null and returns that value; throws
    /// <see cref="TimeoutException"/> after <paramref name="timeout"/> with <paramref name="describe"/>'s text, which
    /// is built only then, so that it can report the state at the deadline.
    /// </summary>
    public static Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> describe)
        where T : class => UntilAsync(probe, timeout, describe, LongestInterval);

    /// <summary>
    /// As above, backing off no further than <paramref name="longestInterval"/>: for a condition that holds only for a
    /// moment (a state the system passes through quickly), which a 500 ms interval could step over.
    /// </summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, Func<string> describe, TimeSpan longestInterval)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(describe);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(longestInterval, TimeSpan.Zero);
        var deadline = DateTime.UtcNow + timeout;
        var interval = FirstInterval < longestInterval ? FirstInterval : longestInterval;
        while (true)
        {
            if (await probe().ConfigureAwait(false) is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"not reached within {timeout.TotalSeconds:0.#} s: {describe()}"));
            }

            await Task.Delay(interval).ConfigureAwait(false);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, longestInterval.Ticks));
        }
    }

    /// <summary>As above for an asynchronous boolean condition.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(async () => await condition().ConfigureAwait(false) ? new object() : null, timeout, describe);
    }

    /// <summary>As above, with a fixed description and (unless given) <see cref="DefaultTimeout"/>.</summary>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(condition, timeout ?? DefaultTimeout, () => what);

    /// <summary>For an in-process condition (a counter, a collection that fills), with <see cref="DefaultTimeout"/> unless given.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), timeout ?? DefaultTimeout, () => what);
    }
}
