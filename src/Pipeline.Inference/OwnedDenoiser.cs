namespace Pipeline.Inference;

/// <summary>A denoiser with its own session (<see cref="ModelPack.OpenDenoiser"/>); disposing it releases the session.</summary>
internal sealed class OwnedDenoiser(IDenoiser denoiser, IDisposable owner) : IDisposable
{
    public IDenoiser Denoiser { get; } = denoiser;

    public void Dispose() => owner.Dispose();
}
