namespace Pipeline.Sampling;

/// <summary>
/// What a generator's draws are for. Each (job seed, step, stream) gets its own generator, so a step's draws
/// never depend on how many draws another step or stream made.
/// </summary>
internal enum RandomStream : ulong
{
    /// <summary>Which positions a step commits (drawn before the forward pass).</summary>
    Plan = 1,

    /// <summary>Tokens sampled from the logits, and the confidence order's Gumbel noise.</summary>
    Sample = 2,

    /// <summary>Which source tokens a variation job re-masks.</summary>
    VariationMask = 3,
}
