namespace Pipeline.Contracts;

/// <summary>
/// One reason a message is unacceptable: a stable snake_case <see cref="Code"/> (the same codes the engine and
/// <see cref="JobFailed.Code"/> use, e.g. <c>unknown_kind</c>) and a message naming the property.
/// </summary>
/// <param name="Code">Stable machine-readable reason.</param>
/// <param name="Message">Human-readable explanation.</param>
public sealed record ContractError(string Code, string Message);
