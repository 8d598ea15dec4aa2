namespace Pipeline.Webhooks;

/// <summary>The outcome of <see cref="WebhookSignature.Verify"/>; only <see cref="Valid"/> means "process it".</summary>
public enum WebhookVerification
{
    /// <summary>Signature matches and the timestamp is fresh.</summary>
    Valid,

    /// <summary>The signature or timestamp header is absent.</summary>
    MissingHeaders,

    /// <summary>A header is not in the expected form.</summary>
    Malformed,

    /// <summary>The timestamp is outside the tolerance: a replay, or a badly skewed clock.</summary>
    Expired,

    /// <summary>The signature does not match: wrong secret, or the body or timestamp was altered.</summary>
    Mismatch,
}
