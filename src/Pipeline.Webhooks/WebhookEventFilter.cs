namespace Pipeline.Webhooks;

/// <summary>
/// Which event types a callback receives: exact types (<c>job.failed</c>), a family (<c>job.*</c>) or everything
/// (<c>*</c>). Parsed from a comma-separated list, so it fits a configuration value or a query parameter.
/// </summary>
public sealed class WebhookEventFilter
{
    private readonly string[] _patterns;

    private WebhookEventFilter(string[] patterns) => _patterns = patterns;

    /// <summary>Passes every event.</summary>
    public static WebhookEventFilter All { get; } = new(["*"]);

    /// <summary>The patterns, normalized (trimmed, lowercase).</summary>
    public IReadOnlyList<string> Patterns => _patterns;

    /// <summary>
    /// Parses <c>job.completed,batch.*</c>. Null or blank means <see cref="All"/>. Throws <see cref="FormatException"/>
    /// for a pattern that can never match (a typo should fail at start-up, not silently drop events).
    /// </summary>
    public static WebhookEventFilter Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return All;
        }

        var patterns = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.ToLowerInvariant())
            .ToArray();
        foreach (var pattern in patterns)
        {
            if (!WebhookEventTypes.All.Any(type => Matches(pattern, type)))
            {
                throw new FormatException($"webhook event filter '{pattern}' matches none of {string.Join(", ", WebhookEventTypes.All)}");
            }
        }

        return new WebhookEventFilter(patterns);
    }

    /// <summary>True when <paramref name="eventType"/> passes the filter.</summary>
    public bool Allows(string eventType) => _patterns.Any(p => Matches(p, eventType));

    /// <inheritdoc />
    public override string ToString() => string.Join(",", _patterns);

    private static bool Matches(string pattern, string eventType) =>
        pattern == "*"
        || string.Equals(pattern, eventType, StringComparison.Ordinal)
        || (pattern.EndsWith(".*", StringComparison.Ordinal)
            && eventType.StartsWith(pattern[..^1], StringComparison.Ordinal));
}
