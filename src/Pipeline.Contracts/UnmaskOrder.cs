namespace Pipeline.Contracts;

/// <summary>
/// The order in which masked positions are committed during sampling, as code handles it. Messages and manifests carry
/// its name (<see cref="UnmaskOrders"/>, which parses and names it).
/// </summary>
public enum UnmaskOrder
{
    /// <summary>The reference rule: each masked position is unmasked with probability 1/t, drawn before the forward pass.</summary>
    Reference,

    /// <summary>Exactly ceil(remaining / t) random positions per step.</summary>
    ExactK,

    /// <summary>MaskGIT: cosine schedule, commit the most confident sampled tokens (Gumbel noise annealed to 0).</summary>
    Confidence,
}
