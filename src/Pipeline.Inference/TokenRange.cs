namespace Pipeline.Inference;

/// <summary>
/// Checks token ids before they reach a graph: an out-of-range id makes the embedding Gather fail deep inside ONNX
/// Runtime (or read another row on some providers), so it is cheaper and clearer to reject it here.
/// </summary>
internal static class TokenRange
{
    public static void Check(ReadOnlySpan<long> ids, long maxInclusive, string what, string paramName)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            if ((ulong)ids[i] > (ulong)maxInclusive)
            {
                throw new ArgumentOutOfRangeException(paramName, ids[i], $"{what} must be in 0..{maxInclusive}; position {i} holds {ids[i]}.");
            }
        }
    }

    public static void CheckLength(int actual, long required, string paramName)
    {
        if (actual < required)
        {
            throw new ArgumentException($"Buffer holds {actual} elements; this batch needs {required}.", paramName);
        }
    }
}
