using Pipeline.Contracts;

namespace Pipeline.Cli.Remote;

/// <summary>Batch ids given as arguments: checked before any request (an id goes into a URL path).</summary>
internal static class BatchIds
{
    /// <exception cref="UsageException">An id breaks the id rule.</exception>
    public static IReadOnlyList<string> Check(IEnumerable<string> ids)
    {
        var list = ids.Distinct(StringComparer.Ordinal).ToList();
        foreach (var id in list.Where(id => !JobIds.IsValid(id)))
        {
            throw new UsageException($"'{id}' is not a batch id: ids are 1 to {JobIds.MaxLength} characters of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }

        return list;
    }
}
