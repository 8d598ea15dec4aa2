using System.Diagnostics;

namespace Pipeline.Engine;

/// <summary>
/// Where a pack loop's time went, summed over its iterations (all packs together from <see cref="JobEngine.LoopTimes"/>):
/// measured with <see cref="Stopwatch"/> around each phase, so the loop thread's parts (<see cref="Busy"/> and
/// <see cref="Idle"/>) add up to the loop's wall time (bar the bookkeeping between them). With
/// <see cref="EngineOptions.OverlapDecode"/> the decode and finishing run on the pack's finisher thread at the same time as
/// the loop: they are booked apart (<see cref="DecodeOverlapped"/>, <see cref="FinishOverlapped"/>), not in
/// <see cref="Busy"/>, and the loop's only cost of them is <see cref="FinisherWait"/>. The bench divides them by images
/// for its per-image breakdown; subtract two snapshots for one run.
/// </summary>
/// <param name="Admission">Dropping canceled jobs and admitting waiting ones.</param>
/// <param name="Encode">Sources to planar pixels and the batched VQGAN encode (variation, inpainting).</param>
/// <param name="Plan">Each job's step plan and the copy of its tokens into the batch (sampling, CPU).</param>
/// <param name="Forward">The batched denoiser forward.</param>
/// <param name="Apply">Each job's step applied to its logits, progress reported (sampling, CPU).</param>
/// <param name="Decode">The batched VQGAN decode of the jobs that finished, on the loop thread (decode not overlapped).</param>
/// <param name="Finish">Per finished job on the loop thread: leaving the planar layout (compositing), PNG, result metadata, completion.</param>
/// <param name="Idle">Waiting for work with no job in a slot.</param>
/// <param name="Iterations">Iterations run.</param>
/// <param name="FinisherWait">The loop waiting to hand finished jobs to a finisher that already had its most batches (back-pressure).</param>
/// <param name="DecodeOverlapped">As <see cref="Decode"/>, on the finisher thread while the loop ran on (canvas decodes included).</param>
/// <param name="FinishOverlapped">As <see cref="Finish"/>, on the finisher thread while the loop ran on.</param>
public sealed record EngineLoopTimes(
    TimeSpan Admission, TimeSpan Encode, TimeSpan Plan, TimeSpan Forward, TimeSpan Apply, TimeSpan Decode, TimeSpan Finish, TimeSpan Idle,
    long Iterations, TimeSpan FinisherWait = default, TimeSpan DecodeOverlapped = default, TimeSpan FinishOverlapped = default)
{
    public static EngineLoopTimes Zero { get; } = new(default, default, default, default, default, default, default, default, 0);

    /// <summary>The loop thread's busy time: every phase on it but <see cref="Idle"/> (the overlapped ones ran elsewhere).</summary>
    public TimeSpan Busy => Admission + Encode + Plan + Forward + Apply + Decode + Finish + FinisherWait;

    public static EngineLoopTimes operator +(EngineLoopTimes a, EngineLoopTimes b) => new(
        a.Admission + b.Admission, a.Encode + b.Encode, a.Plan + b.Plan, a.Forward + b.Forward, a.Apply + b.Apply, a.Decode + b.Decode,
        a.Finish + b.Finish, a.Idle + b.Idle, a.Iterations + b.Iterations, a.FinisherWait + b.FinisherWait,
        a.DecodeOverlapped + b.DecodeOverlapped, a.FinishOverlapped + b.FinishOverlapped);

    public static EngineLoopTimes operator -(EngineLoopTimes a, EngineLoopTimes b) => new(
        a.Admission - b.Admission, a.Encode - b.Encode, a.Plan - b.Plan, a.Forward - b.Forward, a.Apply - b.Apply, a.Decode - b.Decode,
        a.Finish - b.Finish, a.Idle - b.Idle, a.Iterations - b.Iterations, a.FinisherWait - b.FinisherWait,
        a.DecodeOverlapped - b.DecodeOverlapped, a.FinishOverlapped - b.FinishOverlapped);
}

/// <summary>The phases of <see cref="EngineLoopTimes"/>.</summary>
internal enum LoopPhase
{
    Admission,
    Encode,
    Plan,
    Forward,
    Apply,
    Decode,
    Finish,
    Idle,
    FinisherWait,
    DecodeOverlapped,
    FinishOverlapped,
}

/// <summary>
/// The running sums behind <see cref="EngineLoopTimes"/>: written by the loop (a timestamp per phase, no allocation),
/// read from any thread (Interlocked, so a snapshot taken while the loop runs is torn only between phases). The finisher
/// books its overlapped phases with <see cref="Book"/>, which leaves the loop's mark alone.
/// </summary>
internal sealed class LoopClock
{
    private readonly long[] _ticks = new long[(int)LoopPhase.FinishOverlapped + 1];
    private long _iterations;
    private long _mark = Stopwatch.GetTimestamp();

    /// <summary>Starts timing the next phase from now (e.g. after waiting, which <see cref="Lap"/> then books).</summary>
    public void Mark() => _mark = Stopwatch.GetTimestamp();

    /// <summary>Books the time since the last mark to <paramref name="phase"/> and marks now.</summary>
    public void Lap(LoopPhase phase)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Add(ref _ticks[(int)phase], now - _mark);
        _mark = now;
    }

    /// <summary>Books a span measured elsewhere (another thread's <see cref="Stopwatch.GetTimestamp"/>s) to <paramref name="phase"/>.</summary>
    public void Book(LoopPhase phase, long startedAt, long endedAt) => Interlocked.Add(ref _ticks[(int)phase], endedAt - startedAt);

    public void Iterated() => Interlocked.Increment(ref _iterations);

    public EngineLoopTimes Snapshot()
    {
        TimeSpan T(LoopPhase p) => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks[(int)p]));
        return new EngineLoopTimes(T(LoopPhase.Admission), T(LoopPhase.Encode), T(LoopPhase.Plan), T(LoopPhase.Forward), T(LoopPhase.Apply),
            T(LoopPhase.Decode), T(LoopPhase.Finish), T(LoopPhase.Idle), Interlocked.Read(ref _iterations), T(LoopPhase.FinisherWait),
            T(LoopPhase.DecodeOverlapped), T(LoopPhase.FinishOverlapped));
    }
}
