namespace Pipeline.Contracts;

/// <summary>The values of <see cref="SubmitJob.Order"/>: the order in which masked tokens are committed (docs/architecture.md §1).</summary>
/// <remarks>
/// Also the values of a model pack manifest's <c>sampling.defaultOrder</c>, and the one place that turns them into
/// <see cref="UnmaskOrder"/> and back.
/// </remarks>
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
    public static bool IsKnown(string? value) => Parse(value) is not null;

    /// <summary>The order <paramref name="value"/> names (ordinal, case-sensitive), or null when it names none.</summary>
    public static UnmaskOrder? Parse(string? value) => value switch
    {
        Reference => UnmaskOrder.Reference,
        ExactK => UnmaskOrder.ExactK,
        Confidence => UnmaskOrder.Confidence,
        _ => null,
    };

    /// <summary>The name of <paramref name="order"/>; a value outside the enum gives its number, which no rule accepts.</summary>
    public static string Name(UnmaskOrder order) => order switch
    {
        UnmaskOrder.Reference => Reference,
        UnmaskOrder.ExactK => ExactK,
        UnmaskOrder.Confidence => Confidence,
        _ => ((int)order).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
