namespace Pipeline.Sampling;

/// <summary>A job's priority class: sets its queue priority, its admission order and its step budget.</summary>
public enum PriorityClass
{
    Interactive = 0,
    Standard = 1,
    Bulk = 2,
}
