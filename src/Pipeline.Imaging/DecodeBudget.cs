namespace Pipeline.Imaging;

/// <summary>
/// Bounds the pixels being decoded at once across threads, so that concurrent decodes cannot add up past what the
/// process can hold: a decode of w × h pixels reserves w × h once its file has passed the structural checks, and
/// gives them back when its pixels have been copied out. Requests are served in arrival order, so a large image is
/// not starved by a stream of small ones; one larger than the whole budget runs alone.
/// </summary>
/// <remarks>
/// A decode costs about 10–20 bytes a pixel at its peak (the 4-byte RGBA frame, the decoder's working buffers such
/// as a progressive JPEG's coefficients, the copy handed back), so the default budget of two maximum-size images
/// (32 M pixels) holds decoding to roughly 0.3–0.6 GB however many jobs arrive together. Files rejected by the
/// structural checks never wait for the budget.
/// </remarks>
public sealed class DecodeBudget
{
    private readonly object _gate = new();
    private readonly LinkedList<long> _waiting = new();
    private long _inFlight;

    /// <param name="capacityPixels">Pixels that may be decoding at once.</param>
    /// <param name="maxWait">How long a decode waits for room before giving up with a <see cref="TimeoutException"/>.</param>
    public DecodeBudget(long capacityPixels, TimeSpan maxWait)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityPixels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxWait, TimeSpan.Zero);
        CapacityPixels = capacityPixels;
        MaxWait = maxWait;
    }

    /// <summary>The process-wide budget: 2 × 4096 × 4096 pixels, 30 s wait.</summary>
    public static DecodeBudget Shared { get; } = new(2 * 4096L * 4096, TimeSpan.FromSeconds(30));

    public long CapacityPixels { get; }

    public TimeSpan MaxWait { get; }

    /// <summary>Pixels reserved right now (for metrics and tests).</summary>
    public long PixelsInFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Decodes waiting for room right now.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Waits, in arrival order, until <paramref name="pixels"/> (at most the whole budget) fit, and reserves them.</summary>
    /// <exception cref="TimeoutException">
    /// No room within <see cref="MaxWait"/>: the host is busy, not the input bad, so callers treat it as transient.
    /// </exception>
    internal DecodeReservation Reserve(long pixels)
    {
        var take = Math.Clamp(pixels, 0, CapacityPixels);
        var deadline = Environment.TickCount64 + (long)MaxWait.TotalMilliseconds;
        lock (_gate)
        {
            var ticket = _waiting.AddLast(take);
            try
            {
                while (_waiting.First != ticket || _inFlight + take > CapacityPixels)
                {
                    var left = deadline - Environment.TickCount64;
                    if (left <= 0)
                    {
                        throw new TimeoutException(
                            $"Image decoding is at capacity ({_inFlight} of {CapacityPixels} pixels in flight); a decode of " +
                            $"{take} pixels waited {MaxWait.TotalSeconds:0.#} s. Try again later.");
                    }

                    Monitor.Wait(_gate, (int)Math.Min(left, int.MaxValue));
                }

                _inFlight += take;
            }
            finally
            {
                // Served or given up: either way the next in line may now fit.
                _waiting.Remove(ticket);
                Monitor.PulseAll(_gate);
            }
        }

        return new DecodeReservation(this, take);
    }

    internal void Release(long pixels)
    {
        lock (_gate)
        {
            _inFlight -= pixels;
            Monitor.PulseAll(_gate);
        }
    }
}
