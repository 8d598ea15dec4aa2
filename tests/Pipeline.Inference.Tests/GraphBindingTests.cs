namespace Pipeline.Inference.Tests;

/// <summary>
/// The IOBinding path the CUDA provider takes (GraphBinding), run here with CPU memory
/// (InferenceOptions.CpuIoBinding): the same logits as the plain zero-copy run, bit for bit, whatever the batch
/// sizes and their order, with its buffers allocated only when a batch outgrows them.
/// </summary>
public sealed class GraphBindingTests
{
    // One intra-op thread on both sides: the same kernels and blockings, so equality is exact.
    private static readonly InferenceOptions Plain = new() { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 };
    private static readonly InferenceOptions Bound = Plain with { CpuIoBinding = true };

    [Fact]
    public void Forward_BoundOnCpu_BitIdenticalToPlainAcrossBatchesAndReuse()
    {
        using var plain = ModelPack.Load(TinyPack.FixtureDirectory, Plain);
        using var bound = ModelPack.Load(TinyPack.FixtureDirectory, Bound);
        var (n, v) = (plain.Denoiser.SequenceLength, plain.Denoiser.CodebookSize);
        var random = new Random(7);
        int[] batches = [3, 1, 5, 5, 2, 5];
        const int largest = 5;
        foreach (var batch in batches)
        {
            // Ids 0..V, MASK (V) included; buffers longer than the batch needs, as the engine's are.
            var tokens = Enumerable.Range(0, largest * n).Select(_ => (long)random.Next(v + 1)).ToArray();
            var expected = new float[largest * n * v];
            var actual = new float[largest * n * v];

            plain.Denoiser.Forward(tokens, batch, expected);
            bound.Denoiser.Forward(tokens, batch, actual);

            Assert.Equal(expected, actual);
        }

        var binding = Binding(bound);
        // Allocated at 3, grown at 5; bound at 3, 1, 5, 2, 5 (the second 5 reuses the binding of the first).
        Assert.Equal(2, binding.Allocations);
        Assert.Equal(5, binding.Bindings);
    }

    [Fact]
    public void Forward_BoundFromSeveralThreads_SameLogitsAsOneAtATime()
    {
        using var bound = ModelPack.Load(TinyPack.FixtureDirectory, Bound);
        var (n, v) = (bound.Denoiser.SequenceLength, bound.Denoiser.CodebookSize);
        var inputs = Enumerable.Range(0, 8).Select(i =>
        {
            var random = new Random(100 + i);
            return Enumerable.Range(0, (1 + i % 3) * n).Select(_ => (long)random.Next(v + 1)).ToArray();
        }).ToArray();
        var expected = inputs.Select(t => Forward(bound.Denoiser, t)).ToArray();

        var actual = new float[inputs.Length][];
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => actual[i] = Forward(bound.Denoiser, inputs[i]));

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public void Load_CpuDefault_RunsPlain()
    {
        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, new InferenceOptions { Provider = ExecutionProvider.Cpu });

        Assert.Null(((OnnxDenoiser)pack.Denoiser).Graph.Binding);
    }

    [Fact]
    public void Split_Bound_EachPartHasItsOwnBinding()
    {
        using var pack = ModelPack.Load(TinyPack.FixtureDirectory, Bound with { DenoiserSessions = 2 });
        var (n, v) = (pack.Denoiser.SequenceLength, pack.Denoiser.CodebookSize);
        var tokens = Enumerable.Range(0, 3 * n).Select(i => (long)(i % (v + 1))).ToArray();
        using var plain = ModelPack.Load(TinyPack.FixtureDirectory, Plain with { DenoiserSessions = 2 });

        Assert.Equal(Forward(plain.Denoiser, tokens), Forward(pack.Denoiser, tokens));
    }

    [Fact]
    public void KeepBindingIfItRuns_ProbeFails_DropsTheBindingAndRunsPlain()
    {
        using var bound = ModelPack.Load(TinyPack.FixtureDirectory, Bound);
        using var plain = ModelPack.Load(TinyPack.FixtureDirectory, Plain);
        var graph = ((OnnxDenoiser)bound.Denoiser).Graph;
        var (n, v) = (bound.Denoiser.SequenceLength, bound.Denoiser.CodebookSize);

        // A shape the graph rejects: ONNX Runtime's own error, as a CUDA build without host <-> device copies would give.
        var error = graph.KeepBindingIfItRuns(g => g.Run<long, float>(new long[n + 1], [1, n + 1], new float[(n + 1) * v], [1, n + 1, v]));

        Assert.NotNull(error);
        Assert.Null(graph.Binding);
        var tokens = Enumerable.Range(0, 2 * n).Select(i => (long)(i % v)).ToArray();
        Assert.Equal(Forward(plain.Denoiser, tokens), Forward(bound.Denoiser, tokens));
    }

    private static GraphBinding Binding(ModelPack pack) =>
        ((OnnxDenoiser)pack.Denoiser).Graph.Binding ?? throw new InvalidOperationException("the pack's denoiser runs plain");

    private static float[] Forward(IDenoiser denoiser, long[] tokens)
    {
        var batch = tokens.Length / denoiser.SequenceLength;
        var logits = new float[batch * denoiser.SequenceLength * denoiser.CodebookSize];
        denoiser.Forward(tokens, batch, logits);
        return logits;
    }
}
