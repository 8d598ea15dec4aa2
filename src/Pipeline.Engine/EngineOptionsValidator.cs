using Microsoft.Extensions.Options;
using Pipeline.Contracts;

namespace Pipeline.Engine;

/// <summary>
/// Checks the deployment's <see cref="EngineOptions.Budgets"/> at start, so a wrong value stops the host with the reason
/// instead of being moved quietly into range when a pack loads: every class entry's own values consistent (steps at
/// least 1, minimum ≤ default ≤ maximum among those given, backlog at least 0) and every pack name non-empty.
/// </summary>
public sealed class EngineOptionsValidator : IValidateOptions<EngineOptions>
{
    public ValidateOptionsResult Validate(string? name, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        foreach (var (pack, budgets) in options.Budgets)
        {
            if (string.IsNullOrWhiteSpace(pack))
            {
                problems.Add($"{EngineOptions.BudgetsSection}: a pack name is empty.");
            }

            foreach (var priority in Enum.GetValues<PriorityClass>())
            {
                var where = $"{EngineOptions.BudgetsSection}:{pack}:{JobPriorities.Name(priority)}";
                problems.AddRange(budgets?.For(priority)?.Problems(where) ?? []);
            }
        }

        if (options.MaxFinishingBatches is < 1 or > 64)
        {
            problems.Add($"{EngineOptions.Section}:{nameof(EngineOptions.MaxFinishingBatches)} must be between 1 and 64; got {options.MaxFinishingBatches}.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
