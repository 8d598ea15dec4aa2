using System.Text.Json.Serialization;
using Pipeline.Contracts;

namespace Pipeline.Inference;

/// <summary>
/// Step budgets per priority class (manifest <c>sampling.priorities</c>; also the shape of a deployment's overrides):
/// what each class gets when it differs from the pack-wide values. Every member optional.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PriorityStepBudgets(
    StepBudgetSpec? Interactive = null,
    StepBudgetSpec? Standard = null,
    StepBudgetSpec? Bulk = null)
{
    /// <summary>The values given for <paramref name="priority"/>, or null when none are.</summary>
    public StepBudgetSpec? For(PriorityClass priority) => priority switch
    {
        PriorityClass.Interactive => Interactive,
        PriorityClass.Standard => Standard,
        PriorityClass.Bulk => Bulk,
        _ => null,
    };
}
