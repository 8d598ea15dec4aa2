namespace Pipeline.Contracts;

/// <summary>
/// A job's priority class as code handles it: its queue priority, its admission order and its step budget. Messages
/// carry its name (<see cref="JobPriorities"/>, which parses and names it). The values are the admission order.
/// </summary>
public enum PriorityClass
{
    /// <summary>A person is waiting (<see cref="JobPriorities.Interactive"/>).</summary>
    Interactive = 0,

    /// <summary>The default (<see cref="JobPriorities.Standard"/>).</summary>
    Standard = 1,

    /// <summary>Batch work (<see cref="JobPriorities.Bulk"/>).</summary>
    Bulk = 2,
}
