using System.Diagnostics.Metrics;

namespace Pipeline.TestSupport;

/// <summary>
/// An <see cref="IMeterFactory"/> of a test's own: its meters are scoped to it, so a <c>MetricCollector</c> built on it
/// sees only what the code under test recorded through this factory, never a parallel test's measurements.
/// </summary>
public sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];
    private readonly Lock _gate = new();

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_gate)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _meters.ForEach(m => m.Dispose());
            _meters.Clear();
        }
    }
}
