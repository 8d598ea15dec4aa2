namespace Pipeline.Storage.Fleet;

/// <summary>Jobs that ended within <see cref="Window"/> before the store's clock, by outcome.</summary>
public sealed record JobThroughput(TimeSpan Window, int Succeeded, int Failed, int Canceled)
{
    /// <summary>Images made per second over the window: each succeeded job made one.</summary>
    public double ImagesPerSecond => Window > TimeSpan.Zero ? Succeeded / Window.TotalSeconds : 0;
}
