namespace Pipeline.Cli.Bench;

/// <summary>What one `pipeline bench` run measures; sized so each mode fits its purpose (a smoke test, a table, paper scale in minutes).</summary>
/// <param name="ForwardBatches">Batch sizes of the raw forward table.</param>
/// <param name="ForwardSeconds">Least time spent per batch size in the raw forward table (at least 3 calls).</param>
/// <param name="EngineSteps">Step counts of the engine-vs-raw table.</param>
/// <param name="EngineJobs">Generation jobs per step count, submitted at once.</param>
/// <param name="MaxBatch">Engine slots for the engine-vs-raw table.</param>
/// <param name="EngineRounds">Alternating engine runs and raw replays per step count in that table; each side keeps its fastest.</param>
/// <param name="BatchedSteps">Steps of the batched-vs-one-at-a-time table.</param>
/// <param name="BatchedSizes">MaxBatch values compared with 1 on the same jobs.</param>
/// <param name="ReferenceSteps">Steps of the comparison with the Python reference sampler.</param>
/// <param name="ReferenceBatch">Batch of that comparison (jobs and engine slots on our side).</param>
/// <param name="ReferenceRepeats">Runs of each side of that comparison; the best counts (neighbours on a shared machine only ever slow a run down).</param>
/// <param name="FrontierJobs">Images per pipeline point of the frontier (and the breakdown), as one `pipeline generate --count` run.</param>
/// <param name="FrontierBatch">Engine slots for those runs (`pipeline generate`'s default --max-batch).</param>
/// <param name="FrontierRepeats">Runs per pipeline point; the fastest counts.</param>
internal sealed record BenchPlan(
    string Mode,
    int[] ForwardBatches,
    double ForwardSeconds,
    int[] EngineSteps,
    int EngineJobs,
    int MaxBatch,
    int EngineRounds,
    int BatchedSteps,
    int[] BatchedSizes,
    int ReferenceSteps,
    int ReferenceBatch,
    int ReferenceRepeats,
    int FrontierJobs,
    int FrontierBatch,
    int FrontierRepeats)
{
    public static BenchPlan Standard { get; } = new("standard", [1, 4, 16, 32], 1.0, [8, 16, 32, 64], 32, 32, 3, 32, [16, 32], 32, 16, 3, 64, 16, 2);

    /// <summary>Seconds, for tests: every table printed, nothing measured well.</summary>
    public static BenchPlan Quick { get; } = new("quick", [1, 4], 0.05, [4, 8], 4, 4, 1, 4, [4], 4, 4, 1, 4, 4, 1);

    /// <summary>
    /// The paper architecture (24 × 512, 256 tokens, 1024 codes, 256 px VQGAN) on 2 cores: few steps, small batches.
    /// A batch-1 forward took 6.4 s on a busy 2-core machine, so every table is held to a few dozen forward rows.
    /// </summary>
    public static BenchPlan Paper { get; } = new("paper", [1, 2, 4], 2.0, [4], 4, 4, 1, 2, [4], 4, 4, 1, 4, 4, 1);

    public int LargestBatch => new[] { ForwardBatches.Max(), MaxBatch, BatchedSizes.Max(), ReferenceBatch }.Max();
}
