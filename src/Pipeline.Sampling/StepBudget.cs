using Pipeline.Contracts;

namespace Pipeline.Sampling;

/// <summary>
/// The step budget of one priority class (docs/architecture.md §4): the steps a job gets when it asks for none, the floor it
/// degrades to under backlog, the most it may ask for, and the backlog at which it reaches that floor.
/// </summary>
/// <param name="DefaultSteps">Steps when the job names none.</param>
/// <param name="MinimumSteps">Under full backlog pressure a job runs this many steps (or fewer, if it asked for fewer).</param>
/// <param name="MaximumSteps">The most steps a job of this class may request.</param>
/// <param name="BacklogAtMinimum">Waiting jobs at which the class is fully degraded; 0 means the class never degrades.</param>
public sealed record StepBudget(int DefaultSteps, int MinimumSteps, int MaximumSteps, int BacklogAtMinimum)
{
    /// <summary>Throws <see cref="ArgumentException"/> unless 1 ≤ minimum ≤ default ≤ maximum and the backlog is ≥ 0.</summary>
    public void Validate(PriorityClass priority)
    {
        if (MinimumSteps < 1 || MinimumSteps > DefaultSteps || DefaultSteps > MaximumSteps || BacklogAtMinimum < 0)
        {
            throw new ArgumentException(
                $"step budget of {priority} needs 1 ≤ minimum ≤ default ≤ maximum and backlog ≥ 0; got {this}");
        }
    }
}
