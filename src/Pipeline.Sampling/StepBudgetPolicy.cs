using Pipeline.Contracts;

namespace Pipeline.Sampling;

/// <summary>
/// Turns a job's requested steps, its priority class and the current backlog into the steps it runs
/// (docs/architecture.md §4, priority-based step budgets). Immutable once built; safe to share.
/// </summary>
public sealed class StepBudgetPolicy
{
    /// <summary>Default budgets: interactive never degrades; standard and bulk reach their floor at 256 and 32 waiting jobs.</summary>
    public static StepBudgetPolicy Default { get; } = new(
        interactive: new StepBudget(DefaultSteps: 64, MinimumSteps: 16, MaximumSteps: 256, BacklogAtMinimum: 0),
        standard: new StepBudget(DefaultSteps: 64, MinimumSteps: 16, MaximumSteps: 256, BacklogAtMinimum: 256),
        bulk: new StepBudget(DefaultSteps: 64, MinimumSteps: 8, MaximumSteps: 256, BacklogAtMinimum: 32));

    private readonly StepBudget[] _budgets;

    public StepBudgetPolicy(StepBudget interactive, StepBudget standard, StepBudget bulk)
    {
        _budgets = [interactive, standard, bulk];
        for (var i = 0; i < _budgets.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(_budgets[i]);
            _budgets[i].Validate((PriorityClass)i);
        }
    }

    public StepBudget For(PriorityClass priority) =>
        (uint)priority < (uint)_budgets.Length
            ? _budgets[(int)priority]
            : throw new ArgumentOutOfRangeException(nameof(priority), priority, "unknown priority class");

    /// <summary>Throws <see cref="SamplingParameterException"/> unless the requested steps fit the class (1 … maximum).</summary>
    public int ValidateRequested(PriorityClass priority, int? requested)
    {
        var budget = For(priority);
        var steps = requested ?? budget.DefaultSteps;
        SamplingParameterException.ThrowIf(JobParameterRules.Steps(steps, budget.MaximumSteps, JobPriorities.Name(priority)));
        return steps;
    }

    /// <summary>
    /// Steps used = requested − ⌊(requested − minimum) · min(backlog, B) / B⌋ for B = BacklogAtMinimum &gt; 0:
    /// a linear slide from the request at no backlog to the class minimum at B waiting jobs. A request at or
    /// below the minimum, or a class with B = 0, is never lowered.
    /// </summary>
    public StepDecision Resolve(PriorityClass priority, int? requested, int backlog)
    {
        var steps = ValidateRequested(priority, requested);
        var budget = For(priority);
        if (budget.BacklogAtMinimum == 0 || steps <= budget.MinimumSteps || backlog <= 0)
        {
            return new StepDecision(steps, steps);
        }

        var pressure = Math.Min(backlog, budget.BacklogAtMinimum);
        var reduction = (int)((long)(steps - budget.MinimumSteps) * pressure / budget.BacklogAtMinimum);
        return new StepDecision(steps, steps - reduction);
    }
}
