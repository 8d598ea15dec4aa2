using Pipeline.Engine;

namespace Pipeline.Cli.Bench;

/// <summary>One pack served to a bench engine with its model calls recorded.</summary>
internal sealed class RecordedPack : IEnginePackSource
{
    public RecordedPack(EngineModelPack pack)
    {
        Denoiser = new RecordingDenoiser(pack.Denoiser);
        Codec = new RecordingCodec(pack.Codec);
        Pack = pack with { Denoiser = Denoiser, Codec = Codec };
    }

    public EngineModelPack Pack { get; }

    public RecordingDenoiser Denoiser { get; }

    public RecordingCodec Codec { get; }

    public IReadOnlyCollection<string> Names => [Pack.Name];

    public EngineModelPack? Find(string? name) => name is null || name == Pack.Name ? Pack : null;

    public void Reset()
    {
        Denoiser.Reset();
        Codec.Reset();
    }
}
