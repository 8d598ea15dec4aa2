namespace Pipeline.Contracts.Telemetry;

/// <summary>
/// Keeps a label whose values come from clients (a model pack name) to a bounded set: the first
/// <see cref="Capacity"/> distinct values pass as they are, later new ones become <see cref="PipelineMetricTags.Other"/>,
/// so a client that names a thousand packs cannot make a thousand series. Thread-safe.
/// </summary>
public sealed class BoundedLabelValues(int capacity)
{
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>How many distinct values are kept.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "must be at least 1");

    /// <summary><paramref name="value"/> when it is kept, <see cref="PipelineMetricTags.Other"/> when the set is full; null or empty gives <paramref name="whenAbsent"/>.</summary>
    public string Of(string? value, string whenAbsent)
    {
        if (string.IsNullOrEmpty(value))
        {
            return whenAbsent;
        }

        lock (_gate)
        {
            if (_seen.Contains(value))
            {
                return value;
            }

            if (_seen.Count < Capacity)
            {
                _seen.Add(value);
                return value;
            }
        }

        return PipelineMetricTags.Other;
    }
}
