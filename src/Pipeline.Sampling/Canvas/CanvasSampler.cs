using Pipeline.Contracts;

namespace Pipeline.Sampling.Canvas;

/// <summary>
/// The absorbing-diffusion sampler of one token canvas larger than the model's grid, sampled with the fixed-size
/// denoiser over model-size <see cref="CanvasWindows"/>. Per step: <see cref="PlanStep"/> decides, over the whole
/// canvas and before any forward, how many (and, except for the confidence order, which) masked positions this step
/// commits, with the counts taken from the canvas's masked total, exactly as <see cref="TokenSampler"/> does for one
/// row; <see cref="PlannedWindows"/> then names the windows the step needs. The caller runs the denoiser on those
/// windows (<see cref="CopyWindowTokens"/>), hands each window's logits to <see cref="AddWindowLogits"/> in the order
/// of <see cref="PlannedWindows"/>, and calls <see cref="ApplyStep"/>, which samples every committed position from
/// the average of the softmax probabilities of all windows covering it, tempered (upstream <c>sample_shape</c>).
/// </summary>
/// <remarks>
/// Which windows run: reference and exact-K need the windows covering a position being unmasked; the confidence order
/// scores every still-masked position (it commits the most confident of them), so it needs every window that covers
/// a masked position: cheaper orders on a canvas are reference and exact-K. A position's mixture always holds every
/// window covering it, so its distribution does not depend on which other positions commit this step.
/// Draws come from generators reseeded from (seed, step, stream), and the mixtures are summed in window order, so the
/// tokens depend on the seed and the windows' logits only, never on how the windows were batched. Known (unmasked)
/// tokens are never changed. Memory: the mixture buffer holds at most canvas positions × V floats. Not thread-safe.
/// </remarks>
public sealed class CanvasSampler
{
    private readonly SamplerSettings _settings;
    private readonly ConfidenceSchedule _confidence; // the knobs of the steps this job runs (Confidence.ForSteps)
    private readonly CanvasWindows _windows;
    private readonly int _codebookSize;
    private readonly ulong _seed;
    private readonly long[] _tokens;
    private readonly int[] _positions;
    private readonly int[] _slotOf;
    private readonly bool[] _needed;
    private readonly List<int> _plannedWindows = [];
    private readonly float[] _scratch;
    private readonly Xoshiro256StarStar _random = new(0);
    private float[] _mixture = [];
    private int _targets;
    private int _plannedCount;
    private int _nextWindow;
    private bool _planPending;

    /// <param name="initialTokens">Canvas H × W ids in 0..V, MASK = V marking the positions to sample; copied.</param>
    /// <exception cref="SamplingParameterException">A setting is out of range.</exception>
    public CanvasSampler(SamplerSettings settings, int codebookSize, CanvasWindows windows, ReadOnlySpan<long> initialTokens, long seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentOutOfRangeException.ThrowIfLessThan(codebookSize, 2);
        settings.Validate(codebookSize);
        if (initialTokens.Length != windows.CanvasLength)
        {
            throw new ArgumentException($"expected {windows.CanvasLength} canvas tokens; got {initialTokens.Length}", nameof(initialTokens));
        }

        (_settings, _windows, _codebookSize, _seed) = (settings, windows, codebookSize, unchecked((ulong)seed));
        _confidence = settings.Confidence.ForSteps(settings.Steps);
        _tokens = initialTokens.ToArray();
        InitialMasked = MaskedPositions.CountChecked(_tokens, codebookSize, nameof(initialTokens));
        RemainingMasked = InitialMasked;
        _positions = new int[_tokens.Length];
        _slotOf = new int[_tokens.Length];
        _needed = new bool[windows.Count];
        _scratch = new float[codebookSize];
    }

    public SamplerSettings Settings => _settings;
    public CanvasWindows Windows => _windows;
    public int Steps => _settings.Steps;
    public int CompletedSteps { get; private set; }
    public bool IsFinished => CompletedSteps == Steps;
    public int InitialMasked { get; }
    public int RemainingMasked { get; private set; }

    /// <summary>The canvas as it stands, row-major: committed ids, MASK (= V) where still masked.</summary>
    public ReadOnlySpan<long> Tokens => _tokens;

    /// <summary>The windows this step needs, ascending; empty when the step commits nothing. Valid until <see cref="ApplyStep"/>.</summary>
    public IReadOnlyList<int> PlannedWindows => _plannedWindows;

    /// <summary>Bytes of the mixture buffer now allocated (at most canvas positions × V × 4).</summary>
    public long MixtureBytes => (long)_mixture.Length * sizeof(float);

    /// <summary>The largest mixture buffer a canvas of <paramref name="positions"/> can need, in bytes.</summary>
    public static long MaxMixtureBytes(int positions, int codebookSize) => (long)positions * codebookSize * sizeof(float);

    /// <summary>Plans the step: returns how many positions it commits (0: no window runs) and fills <see cref="PlannedWindows"/>.</summary>
    public int PlanStep()
    {
        if (IsFinished || _planPending)
        {
            throw new InvalidOperationException(IsFinished ? "the sampler has finished all its steps" : "PlanStep was called twice without ApplyStep");
        }

        var t = Steps - CompletedSteps;
        _random.Reseed(_seed, CompletedSteps, (ulong)RandomStream.Plan);
        _plannedCount = _settings.Order switch
        {
            UnmaskOrder.Reference => MaskedPositions.Reference(_tokens, _codebookSize, t, _random, _positions),
            UnmaskOrder.ExactK => MaskedPositions.ExactK(_tokens, _codebookSize, t, _random, _positions),
            UnmaskOrder.Confidence => Math.Max(0,
                RemainingMasked - _confidence.MaskedAfter(InitialMasked, CompletedSteps, Steps)),
            _ => throw new InvalidOperationException($"unknown unmask order {_settings.Order}"),
        };

        // Targets: the positions whose mixtures this step needs (see remarks), in _positions[0.._targets).
        _targets = _plannedCount == 0 ? 0
            : _settings.Order == UnmaskOrder.Confidence ? MaskedPositions.Collect(_tokens, _codebookSize, _positions)
            : _plannedCount;
        Array.Fill(_slotOf, -1);
        Array.Clear(_needed);
        for (var i = 0; i < _targets; i++)
        {
            _slotOf[_positions[i]] = i;
            _windows.MarkCovering(_positions[i], _needed);
        }

        _plannedWindows.Clear();
        for (var w = 0; w < _needed.Length; w++)
        {
            if (_needed[w])
            {
                _plannedWindows.Add(w);
            }
        }

        var length = _targets * _codebookSize;
        if (_mixture.Length < length)
        {
            _mixture = new float[length];
        }

        _mixture.AsSpan(0, length).Clear();
        _nextWindow = 0;
        _planPending = true;
        return _plannedCount;
    }

    /// <summary>Copies the tokens of <paramref name="window"/> as they stand into <paramref name="row"/> (the denoiser's input).</summary>
    public void CopyWindowTokens(int window, Span<long> row) => _windows.CopyWindow(_tokens, window, row);

    /// <summary>
    /// Adds one window's forward output (window positions × V logits) to the mixtures of the step's target positions.
    /// Windows must come in the order of <see cref="PlannedWindows"/>, so the sums do not depend on batching.
    /// </summary>
    public void AddWindowLogits(int window, ReadOnlySpan<float> logits)
    {
        if (!_planPending || _nextWindow >= _plannedWindows.Count || _plannedWindows[_nextWindow] != window)
        {
            throw new InvalidOperationException($"window {window} was not the next planned window of this step");
        }

        var expected = _windows.WindowLength * _codebookSize;
        if (logits.Length != expected)
        {
            throw new ArgumentException($"expected {expected} logits (window positions × V); got {logits.Length}", nameof(logits));
        }

        for (var local = 0; local < _windows.WindowLength; local++)
        {
            var slot = _slotOf[_windows.CanvasPosition(window, local)];
            if (slot >= 0)
            {
                MixtureSampler.AddSoftmax(logits.Slice(local * _codebookSize, _codebookSize),
                    _mixture.AsSpan(slot * _codebookSize, _codebookSize), _scratch);
            }
        }

        _nextWindow++;
    }

    /// <summary>Samples and commits the planned positions from their window mixtures; every planned window must have been added.</summary>
    public void ApplyStep()
    {
        if (!_planPending)
        {
            throw new InvalidOperationException("ApplyStep needs a PlanStep first");
        }

        if (_nextWindow != _plannedWindows.Count)
        {
            throw new InvalidOperationException($"ApplyStep got {_nextWindow} of the {_plannedWindows.Count} planned windows");
        }

        if (_plannedCount > 0)
        {
            _random.Reseed(_seed, CompletedSteps, (ulong)RandomStream.Sample);
            if (_settings.Order == UnmaskOrder.Confidence)
            {
                CommitMostConfident(Steps - CompletedSteps);
            }
            else
            {
                for (var i = 0; i < _plannedCount; i++)
                {
                    _tokens[_positions[i]] = SampleSlot(i, out _);
                }
            }

            RemainingMasked -= _plannedCount;
        }

        _plannedCount = 0;
        _plannedWindows.Clear();
        _planPending = false;
        CompletedSteps++;
    }

    // As TokenSampler's confidence step, over the canvas: sample every masked position from its mixture, score it by
    // ln p + Gumbel noise annealed to 0, commit the planned count of highest scores (ties keep the lower position).
    private void CommitMostConfident(int t)
    {
        // The pack's confidence knobs, as TokenSampler applies them: step index s = S − t.
        var noiseScale = _confidence.NoiseScale(Steps - t, Steps);
        var temperature = (float)(_settings.Temperature * _confidence.TemperatureMultiplier(Steps - t, Steps));
        var candidates = new long[_targets];
        var scores = new double[_targets];
        for (var c = 0; c < _targets; c++)
        {
            candidates[c] = SampleSlot(c, out var logProbability, temperature);
            scores[c] = logProbability + noiseScale * _random.NextGumbel();
        }

        for (var committed = 0; committed < _plannedCount; committed++)
        {
            var best = -1;
            for (var c = 0; c < _targets; c++)
            {
                if (_positions[c] >= 0 && (best < 0 || scores[c] > scores[best]))
                {
                    best = c;
                }
            }

            _tokens[_positions[best]] = candidates[best];
            _positions[best] = -1;
        }
    }

    private long SampleSlot(int slot, out double logProbability, float? temperature = null) =>
        MixtureSampler.Sample(_mixture.AsSpan(slot * _codebookSize, _codebookSize), temperature ?? _settings.Temperature, _settings.TopK, _scratch,
            _random, out logProbability);
}
