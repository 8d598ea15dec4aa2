using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>A pack's sampling defaults (manifest sampling.defaultTemperature and sampling.defaultOrder).</summary>
public sealed record PackSamplingDefaults(float Temperature = 1f, UnmaskOrder Order = UnmaskOrder.Reference);
