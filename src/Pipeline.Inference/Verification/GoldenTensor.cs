namespace Pipeline.Inference;

/// <summary>One golden array: float32 or int64 data (the other is null) and its shape.</summary>
internal sealed record GoldenTensor(string Name, IReadOnlyList<long> Shape, float[]? Floats, long[]? Longs)
{
    public int Batch => (int)Shape[0];
}
