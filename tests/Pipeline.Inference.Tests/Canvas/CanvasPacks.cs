using Pipeline.Inference.Canvas;

namespace Pipeline.Inference.Tests.Canvas;

/// <summary>
/// The tiny pack as committed (schemaVersion 1, fixed 16×16 graphs) and its dynamic twin (tests/fixtures/canvas/tiny-pack-v2,
/// the same weights with dynamic spatial axes), loaded once for all canvas tests. Token size 2 px, model grid 8×8.
/// </summary>
public sealed class CanvasPacks : IDisposable
{
    private static readonly InferenceOptions Cpu = new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 };

    public CanvasPacks()
    {
        Fixed = ModelPack.Load(TinyPack.FixtureDirectory, Cpu);
        Dynamic = ModelPack.Load(V2Directory, Cpu);
    }

    public static string V2Directory { get; } = Path.Combine(Path.GetDirectoryName(TinyPack.FixtureDirectory)!, "canvas", "tiny-pack-v2");

    /// <summary>schemaVersion 1.</summary>
    public ModelPack Fixed { get; }

    /// <summary>schemaVersion 2, same weights.</summary>
    public ModelPack Dynamic { get; }

    public ICanvasCodec DynamicCodec => CanvasCodecs.For(Dynamic);

    public ICanvasCodec TiledCodec => CanvasCodecs.For(Fixed);

    public static long[] RandomIds(int count, int seed, int codebookSize = 32)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (long)random.Next(codebookSize))];
    }

    /// <summary>A smooth random-ish image (planar RGB in [0, 1]): sums of low-frequency waves, so encodings are not noise.</summary>
    public static float[] SmoothImage(int heightPx, int widthPx, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[3 * heightPx * widthPx];
        for (var c = 0; c < 3; c++)
        {
            double fx = random.NextDouble() * 0.5, fy = random.NextDouble() * 0.5, phase = random.NextDouble() * 6;
            for (var y = 0; y < heightPx; y++)
            {
                for (var x = 0; x < widthPx; x++)
                {
                    pixels[(((c * heightPx) + y) * widthPx) + x] = (float)(0.5 + (0.4 * Math.Sin((fx * x) + (fy * y) + phase)));
                }
            }
        }

        return pixels;
    }

    /// <summary>Images side by side (each 3 × h × w) as one canvas of 3 × h × (w · count).</summary>
    public static float[] SideBySide(int heightPx, int widthPx, params float[][] images)
    {
        var canvasWidth = widthPx * images.Length;
        var canvas = new float[3 * heightPx * canvasWidth];
        for (var i = 0; i < images.Length; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < heightPx; y++)
                {
                    images[i].AsSpan((((c * heightPx) + y) * widthPx), widthPx).CopyTo(canvas.AsSpan((((c * heightPx) + y) * canvasWidth) + (i * widthPx), widthPx));
                }
            }
        }

        return canvas;
    }

    public void Dispose()
    {
        Fixed.Dispose();
        Dynamic.Dispose();
    }
}
