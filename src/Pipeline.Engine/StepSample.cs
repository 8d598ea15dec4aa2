namespace Pipeline.Engine;

/// <summary>One sampling step of a traced job: when it ended, which step it was, and the rows of its batched forward (0: none ran).</summary>
internal readonly record struct StepSample(long Timestamp, int Step, int Rows);
