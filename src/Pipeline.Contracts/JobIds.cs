using System.Text.RegularExpressions;

namespace Pipeline.Contracts;

/// <summary>
/// The rule for <see cref="SubmitJob.JobId"/> and <see cref="SubmitJob.BatchId"/>: 1 to 128 characters from
/// <c>A-Z a-z 0-9 . _ -</c>, starting with a letter or digit. Ids name folders in the result store, so the rule
/// leaves no room for separators, <c>..</c>, control characters or anything a file system treats specially;
/// the result store checks its final paths again regardless. UUIDs and ULIDs fit.
/// </summary>
public static partial class JobIds
{
    /// <summary>The pattern, as used in <c>schemas/*.schema.json</c>.</summary>
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$";

    /// <summary>The longest id accepted.</summary>
    public const int MaxLength = 128;

    /// <summary>True when <paramref name="id"/> follows the rule.</summary>
    public static bool IsValid(string? id) => id is not null && IdRegex().IsMatch(id);

    /// <summary>A fresh id for a producer that has none: a lowercase UUID v7 (sortable by creation time).</summary>
    public static string New() => Guid.CreateVersion7().ToString("D");

    // \z rather than $: $ would also match before a trailing newline.
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9._\-]{0,127}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();
}
