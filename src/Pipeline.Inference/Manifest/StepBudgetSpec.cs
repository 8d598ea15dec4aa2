using System.Text.Json.Serialization;

namespace Pipeline.Inference;

/// <summary>
/// One priority class's step budget as a manifest (or a deployment) states it; what it leaves out comes from the
/// pack-wide values, then from the engine's defaults.
/// </summary>
/// <param name="DefaultSteps">Steps when a job names none.</param>
/// <param name="MinSteps">The floor a job degrades to under backlog.</param>
/// <param name="MaxSteps">The most steps a job may ask for.</param>
/// <param name="BacklogAtMinimum">Waiting jobs at which the class reaches its floor; 0: it never degrades.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record StepBudgetSpec(
    int? DefaultSteps = null,
    int? MinSteps = null,
    int? MaxSteps = null,
    int? BacklogAtMinimum = null)
{
    /// <summary>
    /// What is wrong with these values on their own (each step count at least 1, the backlog at least 0, and
    /// minimum ≤ default ≤ maximum among those given), each message starting with <paramref name="where"/>.
    /// </summary>
    public IEnumerable<string> Problems(string where)
    {
        if (DefaultSteps < 1 || MinSteps < 1 || MaxSteps < 1)
        {
            yield return $"{where}: steps must be at least 1 (got defaultSteps {DefaultSteps}, minSteps {MinSteps}, maxSteps {MaxSteps}).";
        }

        if (MinSteps > DefaultSteps || DefaultSteps > MaxSteps || MinSteps > MaxSteps)
        {
            yield return $"{where}: steps must satisfy minSteps ≤ defaultSteps ≤ maxSteps (got {MinSteps} ≤ {DefaultSteps} ≤ {MaxSteps}).";
        }

        if (BacklogAtMinimum < 0)
        {
            yield return $"{where}: backlogAtMinimum {BacklogAtMinimum} must be at least 0.";
        }
    }
}
