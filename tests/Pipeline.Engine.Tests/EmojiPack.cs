using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Imaging;
using Pipeline.Inference;

namespace Pipeline.Engine.Tests;

/// <summary>The real emoji-32 pack (models/emoji-32, 32×32, 8×8 tokens) on the CPU, as hosts load it.</summary>
internal sealed class EmojiPack : IAsyncDisposable
{
    public EmojiPack(int maxBatch = 1)
    {
        Registry = new ModelPackRegistry(
            new ModelPackRegistryOptions
            {
                SearchDirectories = [ModelsDirectory()], DefaultPackName = "emoji-32", Inference = new InferenceOptions { Provider = ExecutionProvider.Cpu },
            },
            NullLogger<ModelPackRegistry>.Instance);
        Packs = new RegistryPackSource(Registry, new EngineOptions());
        Engine = EngineFactory.Create(Packs, new EngineOptions { MaxBatch = maxBatch }, TimeProvider.System, NullLoggerFactory.Instance);
    }

    public ModelPackRegistry Registry { get; }
    public RegistryPackSource Packs { get; }
    public JobEngine Engine { get; }

    /// <summary>The pack's decoder on <paramref name="tokens"/> alone: planar RGB [3, 32, 32], unclamped.</summary>
    public float[] Decode(long[] tokens)
    {
        var pixels = new float[3 * 32 * 32];
        Packs.Find("emoji-32")!.Codec.Decode(tokens, 1, pixels);
        return pixels;
    }

    /// <summary>A source with structure everywhere (so a regenerated region shows): diagonal stripes over a gradient.</summary>
    public static RgbImage Source(int width, int height)
    {
        var rgb = new byte[3 * width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = 3 * ((y * width) + x);
                (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)((x + y) / 4 % 2 == 0 ? 40 : 220));
            }
        }

        return new RgbImage(width, height, rgb);
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        Registry.Dispose();
    }

    // The folder holding emoji-32 (the registry's search folder).
    private static string ModelsDirectory() => Path.GetDirectoryName(Path.GetDirectoryName(RepoFiles.Find("models/emoji-32/manifest.json")))!;
}
