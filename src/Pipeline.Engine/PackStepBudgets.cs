using Pipeline.Contracts;
using Pipeline.Inference;
using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>
/// The step budgets one pack runs under, per priority class: the pack knows which step counts make sense for it (a
/// 64-token pack gains nothing from 1024 steps; the paper packs were tuned at 256), a class may get its own, and a
/// deployment may set any of them.
/// </summary>
public static class PackStepBudgets
{
    /// <summary>
    /// For each class, each value (default, minimum and maximum steps, backlog at the minimum) comes from the most
    /// specific source that gives it: the deployment's <paramref name="overrides"/> for the class, the manifest's
    /// <c>sampling.priorities</c> entry for it, the manifest's pack-wide <c>sampling</c> (defaultSteps, minSteps,
    /// maxSteps), then <see cref="StepBudgetPolicy.Default"/>. A value from a more specific source stands; one from a
    /// less specific source moves as little as needed to keep minimum ≤ default ≤ maximum (a class that sets only its
    /// default below the engine's minimum gets that default, and the minimum comes down to it).
    /// </summary>
    /// <param name="manifest">The manifest's sampling block; null: none.</param>
    /// <param name="overrides">The deployment's budgets for this pack; null: none.</param>
    /// <param name="degradeUnderBacklog">False gives every class a backlog threshold of 0 (never degrade).</param>
    public static StepBudgetPolicy Resolve(SamplingDefaults? manifest, PriorityStepBudgets? overrides, bool degradeUnderBacklog)
    {
        StepBudget Budget(PriorityClass priority)
        {
            var basis = StepBudgetPolicy.Default.For(priority);
            StepBudgetSpec?[] sources =
            [
                new(basis.DefaultSteps, basis.MinimumSteps, basis.MaximumSteps, basis.BacklogAtMinimum),
                manifest is null ? null : new(manifest.DefaultSteps, manifest.MinSteps, manifest.MaxSteps),
                manifest?.Priorities?.For(priority),
                overrides?.For(priority),
            ];
            var (min, steps, max) = Reconcile(
                Pick(sources, s => s.MinSteps), Pick(sources, s => s.DefaultSteps), Pick(sources, s => s.MaxSteps));
            var backlog = Math.Max(0, Pick(sources, s => s.BacklogAtMinimum).Value);
            return new StepBudget(steps, min, max, degradeUnderBacklog ? backlog : 0);
        }

        return new StepBudgetPolicy(Budget(PriorityClass.Interactive), Budget(PriorityClass.Standard), Budget(PriorityClass.Bulk));
    }

    /// <summary>The value of the most specific source (the last) that gives one, and that source's rank.</summary>
    private static Given Pick(StepBudgetSpec?[] sources, Func<StepBudgetSpec, int?> value)
    {
        for (var rank = sources.Length - 1; rank > 0; rank--)
        {
            if (sources[rank] is { } source && value(source) is { } given)
            {
                return new Given(given, rank);
            }
        }

        return new Given(value(sources[0]!)!.Value, 0);
    }

    /// <summary>
    /// Fixes the values in order of their sources' rank, most specific first (on a tie: maximum, default, minimum), each
    /// moved into the range the values fixed before it leave; every step count at least 1.
    /// </summary>
    private static (int Min, int Steps, int Max) Reconcile(Given min, Given steps, Given max)
    {
        int? fixedMin = null, fixedSteps = null, fixedMax = null;
        void FixMax() => fixedMax = Math.Max(max.Value, Math.Max(fixedSteps ?? 1, fixedMin ?? 1));
        void FixSteps() => fixedSteps = Math.Clamp(steps.Value, fixedMin ?? 1, fixedMax ?? int.MaxValue);
        void FixMin() => fixedMin = Math.Clamp(min.Value, 1, Math.Min(fixedSteps ?? int.MaxValue, fixedMax ?? int.MaxValue));

        (int Rank, Action Fix)[] order = [(max.Rank, FixMax), (steps.Rank, FixSteps), (min.Rank, FixMin)];
        foreach (var (_, fix) in order.OrderByDescending(o => o.Rank))
        {
            fix();
        }

        return (fixedMin!.Value, fixedSteps!.Value, fixedMax!.Value);
    }

    private readonly record struct Given(int Value, int Rank);
}
