using Pipeline.Contracts;

namespace Pipeline.Engine;

/// <summary>
/// One job as the engine runs it. Hosts (CLI, worker) translate their messages into this (kind, priority and order
/// parsed by <see cref="JobKinds"/>, <see cref="JobPriorities"/> and <see cref="UnmaskOrders"/>); optional values
/// fall back to the model pack's and the priority class's defaults.
/// </summary>
public sealed partial record EngineJob
{
    public required string JobId { get; init; }
    public required JobKind Kind { get; init; }

    /// <summary>Model pack name; null selects the registry's default pack.</summary>
    public string? ModelPack { get; init; }

    public long Seed { get; init; }
    public PriorityClass Priority { get; init; } = PriorityClass.Standard;

    /// <summary>Requested steps; null takes the class default. The engine may lower it under backlog within the class budget.</summary>
    public int? Steps { get; init; }

    public UnmaskOrder? Order { get; init; }
    public float? Temperature { get; init; }
    public int? TopK { get; init; }

    /// <summary>Variation: fraction of tokens re-masked, in (0, 1].</summary>
    public float? Strength { get; init; }

    /// <summary>Variation and inpainting: the encoded source image (PNG, JPEG, …).</summary>
    public ReadOnlyMemory<byte> SourceImage { get; init; }

    /// <summary>Inpainting: a mask image, white = regenerate, the source's size or the model's size.</summary>
    public ReadOnlyMemory<byte> MaskImage { get; init; }

    /// <summary>Inpainting: rectangles to regenerate, in source-image pixels, as messages carry them (an alternative to <see cref="MaskImage"/>).</summary>
    public IReadOnlyList<MaskRectangle> MaskRectangles { get; init; } = [];

    /// <summary>Inpainting: width in pixels of the blended edge between kept and generated pixels.</summary>
    public float? FeatherPixels { get; init; }
}
