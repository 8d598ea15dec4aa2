namespace Pipeline.Sampling;

/// <summary>The steps a job asked for (or its class default) and the steps it will run after backlog degradation.</summary>
public readonly record struct StepDecision(int Requested, int Used);
