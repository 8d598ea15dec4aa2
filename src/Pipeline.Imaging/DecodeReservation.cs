namespace Pipeline.Imaging;

/// <summary>Pixels held in a <see cref="DecodeBudget"/> until disposed (once; later calls do nothing).</summary>
internal sealed class DecodeReservation(DecodeBudget budget, long pixels) : IDisposable
{
    private int _released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            budget.Release(pixels);
        }
    }
}
