namespace Pipeline.Sampling;

/// <summary>The order in which masked positions are committed during sampling (DESIGN §1).</summary>
public enum UnmaskOrder
{
    /// <summary>The reference rule: each masked position is unmasked with probability 1/t, drawn before the forward pass.</summary>
    Reference,

    /// <summary>Exactly ceil(remaining / t) random positions per step.</summary>
    ExactK,

    /// <summary>MaskGIT: cosine schedule, commit the most confident sampled tokens (Gumbel noise annealed to 0).</summary>
    Confidence,
}
