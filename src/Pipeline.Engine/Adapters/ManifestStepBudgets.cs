using Pipeline.Inference;
using Pipeline.Sampling;

namespace Pipeline.Engine.Adapters;

/// <summary>
/// Step budgets for an engine that serves one pack, from the pack's manifest (sampling.defaultSteps, minSteps,
/// maxSteps): the pack knows which step counts make sense for it (a 64-token pack gains nothing from 1024 steps;
/// the paper packs were tuned at 256). Values the manifest leaves out come from <see cref="StepBudgetPolicy.Default"/>,
/// moved as little as needed to keep minimum ≤ default ≤ maximum.
/// </summary>
public static class ManifestStepBudgets
{
    /// <param name="sampling">The manifest's sampling block; null gives the defaults.</param>
    /// <param name="degradeUnderBacklog">
    /// False gives every class a backlog threshold of 0 (never degrade): right for a local run, where the user waits
    /// for exactly the steps asked for and there is no queue to shed. True keeps the default thresholds.
    /// </param>
    public static StepBudgetPolicy From(SamplingDefaults? sampling, bool degradeUnderBacklog = true)
    {
        var fallback = StepBudgetPolicy.Default;
        StepBudget Budget(PriorityClass priority)
        {
            var basis = fallback.For(priority);
            var max = Math.Max(1, sampling?.MaxSteps ?? basis.MaximumSteps);
            var min = Math.Clamp(sampling?.MinSteps ?? basis.MinimumSteps, 1, max);
            var steps = Math.Clamp(sampling?.DefaultSteps ?? basis.DefaultSteps, min, max);
            return new StepBudget(steps, min, max, degradeUnderBacklog ? basis.BacklogAtMinimum : 0);
        }

        return new StepBudgetPolicy(Budget(PriorityClass.Interactive), Budget(PriorityClass.Standard), Budget(PriorityClass.Bulk));
    }
}
