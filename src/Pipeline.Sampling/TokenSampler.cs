using Pipeline.Contracts;

namespace Pipeline.Sampling;

/// <summary>
/// The absorbing-diffusion sampler for one job's token row, as a small object (diffusers-scheduler style):
/// configured once, then for each step t = S … 1 the caller runs <see cref="PlanStep"/> (which positions this
/// step commits, decided before the forward pass), the model forward when <see cref="NeedsForward"/>, and
/// <see cref="ApplyStep"/> with this row's logits. Committed tokens are never revisited; after step S every
/// position holds a codebook id.
/// </summary>
/// <remarks>
/// Every step draws from a generator reseeded from (seed, step, stream), so draws never depend on batch
/// composition or on whether a forward ran: a step that commits nothing draws nothing in ApplyStep, and the
/// output is the same whether the caller skips its forward or not. Not thread-safe.
/// </remarks>
public sealed class TokenSampler
{
    private readonly SamplerSettings _settings;
    private readonly ConfidenceSchedule _confidence; // the knobs of the steps this job runs (Confidence.ForSteps)
    private readonly int _codebookSize;
    private readonly ulong _seed;
    private readonly long[] _tokens;
    private readonly int[] _positions;
    private readonly long[] _candidateTokens;
    private readonly double[] _candidateScores;
    private readonly float[] _scratch;
    private readonly Xoshiro256StarStar _random = new(0);
    private int _plannedCount;
    private bool _planPending;

    /// <param name="initialTokens">N ids in 0..V, MASK = V marking the positions to sample; copied.</param>
    /// <exception cref="SamplingParameterException">A setting is out of range.</exception>
    public TokenSampler(SamplerSettings settings, int codebookSize, ReadOnlySpan<long> initialTokens, long seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(codebookSize, 2);
        settings.Validate(codebookSize);
        _settings = settings;
        _confidence = settings.Confidence.ForSteps(settings.Steps);
        _codebookSize = codebookSize;
        _seed = unchecked((ulong)seed);
        _tokens = initialTokens.ToArray();
        InitialMasked = MaskedPositions.CountChecked(_tokens, codebookSize, nameof(initialTokens));
        RemainingMasked = InitialMasked;
        _positions = new int[_tokens.Length];
        _scratch = new float[codebookSize];
        var confidence = settings.Order == UnmaskOrder.Confidence;
        _candidateTokens = confidence ? new long[_tokens.Length] : [];
        _candidateScores = confidence ? new double[_tokens.Length] : [];
    }

    public SamplerSettings Settings => _settings;
    public int Steps => _settings.Steps;
    public int CompletedSteps { get; private set; }
    public bool IsFinished => CompletedSteps == Steps;
    public int MaskId => _codebookSize;
    public int SequenceLength => _tokens.Length;
    public int InitialMasked { get; }
    public int RemainingMasked { get; private set; }

    /// <summary>The row as it stands: committed ids, MASK (= V) where still masked.</summary>
    public ReadOnlySpan<long> Tokens => _tokens;

    /// <summary>True between <see cref="PlanStep"/> and <see cref="ApplyStep"/> when the planned step commits anything.</summary>
    public bool NeedsForward => _planPending && _plannedCount > 0;

    /// <summary>
    /// Decides how many (and, except for the confidence order, which) masked positions this step commits.
    /// Returns that count; 0 means the row needs no forward this step.
    /// </summary>
    public int PlanStep()
    {
        if (IsFinished || _planPending)
        {
            throw new InvalidOperationException(IsFinished
                ? "the sampler has finished all its steps"
                : "PlanStep was called twice without ApplyStep");
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
        _planPending = true;
        return _plannedCount;
    }

    /// <summary>
    /// Commits the planned positions from <paramref name="logits"/>, this row's N × V forward output.
    /// When the plan committed nothing the logits are ignored and may be empty.
    /// </summary>
    public void ApplyStep(ReadOnlySpan<float> logits)
    {
        if (!_planPending)
        {
            throw new InvalidOperationException("ApplyStep needs a PlanStep first");
        }

        if (_plannedCount > 0)
        {
            var expected = _tokens.Length * _codebookSize;
            if (logits.Length != expected)
            {
                throw new ArgumentException($"expected {expected} logits (N × V); got {logits.Length}", nameof(logits));
            }

            _random.Reseed(_seed, CompletedSteps, (ulong)RandomStream.Sample);
            if (_settings.Order == UnmaskOrder.Confidence)
            {
                CommitMostConfident(logits, Steps - CompletedSteps);
            }
            else
            {
                for (var i = 0; i < _plannedCount; i++)
                {
                    var position = _positions[i];
                    _tokens[position] = SampleAt(logits, position, out _);
                }
            }

            RemainingMasked -= _plannedCount;
        }

        _plannedCount = 0;
        _planPending = false;
        CompletedSteps++;
    }

    /// <summary>
    /// MaskGIT step (Chang et al. 2022, §3.2): sample a token at every masked position at temperature τ · m(s), score it by
    /// ln p(token) + g · a(s) with g ~ Gumbel(0, 1) and s = S − t the 0-based step index, and commit the planned count of
    /// highest scores. a(s) is the noise scale and m(s) the temperature multiplier of <see cref="SamplerSettings.Confidence"/>
    /// (by default a(s) = 4.5 · (1 − (s+1)/S), MaskGIT's choice-temperature annealing, and m(s) = 1; the Python reference
    /// sampler uses the same rules). At the last step every remaining position is committed whatever the scores. Ties keep
    /// the lower position, so the choice is deterministic.
    /// </summary>
    private void CommitMostConfident(ReadOnlySpan<float> logits, int t)
    {
        var masked = MaskedPositions.Collect(_tokens, _codebookSize, _positions);
        var stepIndex = Steps - t;
        var noiseScale = _confidence.NoiseScale(stepIndex, Steps);
        var multiplier = _confidence.TemperatureMultiplier(stepIndex, Steps);
        // × 1 is exact, so the default knobs sample at the job's temperature to the bit
        var temperature = multiplier == 1.0 ? _settings.Temperature : (float)(_settings.Temperature * multiplier);
        for (var c = 0; c < masked; c++)
        {
            _candidateTokens[c] = SampleAt(logits, _positions[c], temperature, out var logProbability);
            _candidateScores[c] = logProbability + noiseScale * _random.NextGumbel();
        }

        for (var committed = 0; committed < _plannedCount; committed++)
        {
            var best = -1;
            for (var c = 0; c < masked; c++)
            {
                if (_positions[c] >= 0 && (best < 0 || _candidateScores[c] > _candidateScores[best]))
                {
                    best = c;
                }
            }

            _tokens[_positions[best]] = _candidateTokens[best];
            _positions[best] = -1;
        }
    }

    private long SampleAt(ReadOnlySpan<float> logits, int position, out double logProbability) =>
        SampleAt(logits, position, _settings.Temperature, out logProbability);

    private long SampleAt(ReadOnlySpan<float> logits, int position, float temperature, out double logProbability) =>
        CategoricalSampler.Sample(logits.Slice(position * _codebookSize, _codebookSize), temperature,
            _settings.TopK, _scratch, _random, out logProbability);
}
