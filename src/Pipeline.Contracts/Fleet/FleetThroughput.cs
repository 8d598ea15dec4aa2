namespace Pipeline.Contracts.Fleet;

/// <summary>Jobs that ended within the last <see cref="WindowSeconds"/>, by outcome.</summary>
public sealed record FleetThroughput
{
    /// <summary>The window, in seconds (60).</summary>
    public required double WindowSeconds { get; init; }

    /// <summary>Jobs that succeeded (each made one image).</summary>
    public required int Succeeded { get; init; }

    /// <summary>Jobs that failed.</summary>
    public required int Failed { get; init; }

    /// <summary>Jobs canceled.</summary>
    public required int Canceled { get; init; }

    /// <summary>Images per second over the window: <see cref="Succeeded"/> / <see cref="WindowSeconds"/>.</summary>
    public required double ImagesPerSecond { get; init; }
}
