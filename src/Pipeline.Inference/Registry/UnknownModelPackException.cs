namespace Pipeline.Inference;

/// <summary>A job named a model pack that no search directory holds. Bad input: never retried.</summary>
public sealed class UnknownModelPackException : Exception
{
    public UnknownModelPackException(string name, IReadOnlyList<string> available, IReadOnlyList<string> searched)
        : base($"Unknown model pack '{name}'. Available: {(available.Count == 0 ? "none" : string.Join(", ", available))}. " +
            $"Searched: {string.Join(", ", searched)}.")
    {
        Name = name;
        Available = available;
    }

    public string Name { get; }

    public IReadOnlyList<string> Available { get; }
}
