using System.ComponentModel.DataAnnotations;
using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>Settings of a <see cref="JobEngine"/>. Read once, when the engine is built.</summary>
public sealed class EngineOptions
{
    /// <summary>Slots per model pack: the most rows one forward pass takes. Default 16.</summary>
    [Range(1, 4096)]
    public int MaxBatch { get; set; } = 16;

    /// <summary>Per-class default, minimum and maximum steps and how backlog degrades them. Default <see cref="StepBudgetPolicy.Default"/>.</summary>
    public StepBudgetPolicy StepBudgets { get; set; } = StepBudgetPolicy.Default;

    /// <summary>Variation strength when a job names none. Default 0.5.</summary>
    [Range(0.0, 1.0)]
    public float DefaultStrength { get; set; } = 0.5f;

    /// <summary>Inpainting feather width in pixels when a job names none. Default 2.</summary>
    [Range(0.0, 1024.0)]
    public float DefaultFeatherPixels { get; set; } = 2f;
}
