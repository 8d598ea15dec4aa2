namespace Pipeline.Inference;

/// <summary>The weights' licence and the attributions a deployment must show.</summary>
public sealed record PackLicense(string Weights, IReadOnlyList<string> Attribution, string? NoticeFile = null);
