namespace Pipeline.Contracts;

/// <summary>The values of <see cref="SubmitJob.Order"/>: the order in which masked tokens are committed (DESIGN §1).</summary>
public static class UnmaskOrders
{
    /// <summary>The paper's rule: each masked position is unmasked with probability 1/t per step.</summary>
    public const string Reference = "reference";

    /// <summary>Exactly ceil(remaining / t) random positions per step.</summary>
    public const string ExactK = "exact-k";

    /// <summary>MaskGIT: cosine schedule, commit the most confident sampled tokens.</summary>
    public const string Confidence = "confidence";

    /// <summary>All orders, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } = [Reference, ExactK, Confidence];

    /// <summary>True when <paramref name="value"/> is one of the orders above (ordinal, case-sensitive).</summary>
    public static bool IsKnown(string? value) => value is Reference or ExactK or Confidence;
}
